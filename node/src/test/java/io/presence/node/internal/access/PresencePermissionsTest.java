package io.presence.node.internal.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class PresencePermissionsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Requester ALEX = new Requester("Alex", true, Map.of("role", "user", "team", "blue"));
    private static final Requester ADMIN = new Requester("Root", true, Map.of("role", "admin"));

    private static PresencePermissions rules(String yaml) throws Exception {
        return PresencePermissions.compile("test.yml", YAML.readValue(yaml, Object.class));
    }

    @Test
    void deepstreamsSampleFileAllowsEverythingAndIgnoresOtherSections() throws Exception {
        PresencePermissions p = rules("""
                presence:
                  "*":
                    allow: true
                record:
                  "*":
                    create: true
                    read: "user.id === 'x'"
                event:
                  "*":
                    publish: true
                """);
        assertTrue(p.allowsEverything());
        assertEquals(Decision.ALLOWED, p.check(Requester.anonymous(), PresenceAction.QUERY_ALL, null));
    }

    @Test
    void allowedOfKeepsTheNamesTheRulesAllowInTheirOrder() throws Exception {
        PresencePermissions p = rules("""
                presence:
                  "*":
                    allow: true
                  "blue-*":
                    allow: "user.data.team == 'blue'"
                """);
        List<String> names = List.of("red-1", "blue-1", "green-1", "blue-2");
        assertEquals(names, p.allowedOf(ALEX, PresenceAction.QUERY, names));
        assertEquals(List.of("red-1", "green-1"), p.allowedOf(ADMIN, PresenceAction.QUERY, names));
        assertSame(names, PresencePermissions.allowAll().allowedOf(ADMIN, PresenceAction.QUERY, names),
                "rules that allow everything: no copy");
    }

    @Test
    void disconnectingIsDecidedByItsOwnRuleAndDeniedWhereNoneIsWritten() throws Exception {
        assertEquals(Decision.DENIED, PresencePermissions.allowAll().check(ADMIN, PresenceAction.DISCONNECT, "Ben"),
                "no permissions file: no one may disconnect users");
        PresencePermissions onlyAllow = rules("""
                presence:
                  "*":
                    allow: true
                """);
        assertTrue(onlyAllow.allowsEverything());
        assertEquals(Decision.DENIED, onlyAllow.check(ADMIN, PresenceAction.DISCONNECT, "Ben"));
        PresencePermissions moderated = rules("""
                presence:
                  "*":
                    allow: true
                    disconnect: "user.data.role == 'admin'"
                  "vip-*":
                    disconnect: false
                """);
        assertTrue(moderated.allowsEverything(), "the disconnect rules leave queries unchecked");
        assertEquals(Decision.ALLOWED, moderated.check(ADMIN, PresenceAction.DISCONNECT, "Ben"));
        assertEquals(Decision.DENIED, moderated.check(ALEX, PresenceAction.DISCONNECT, "Ben"));
        assertEquals(Decision.DENIED, moderated.check(ADMIN, PresenceAction.DISCONNECT, "vip-Ann"), "the longest pattern decides");
        assertEquals(Decision.ALLOWED, moderated.check(ALEX, PresenceAction.QUERY, "vip-Ann"), "a disconnect-only pattern decides no query");
        PermissionsException unknown = assertThrows(PermissionsException.class, () -> rules("""
                presence:
                  "*":
                    kick: true
                """));
        assertTrue(unknown.getMessage().contains("allow and disconnect"), unknown.getMessage());
    }

    @Test
    void theLongestMatchingPatternDecidesAndVariablesBindASegment() throws Exception {
        PresencePermissions p = rules("""
                presence:
                  "*":
                    allow: false
                  "team-$team/*":
                    allow: "user.data.team === $team"
                  "team-blue/boss":
                    allow: "user.data.role == 'admin'"
                """);
        assertFalse(p.allowsEverything());
        assertEquals(Decision.DENIED, p.check(ALEX, PresenceAction.QUERY, "Ben"));
        assertEquals(Decision.ALLOWED, p.check(ALEX, PresenceAction.QUERY, "team-blue/Ben"));
        assertEquals(Decision.DENIED, p.check(ALEX, PresenceAction.SUBSCRIBE, "team-red/Ben"));
        assertEquals(Decision.DENIED, p.check(ALEX, PresenceAction.QUERY, "team-blue/boss"), "the most specific wins");
        assertEquals(Decision.ALLOWED, p.check(ADMIN, PresenceAction.QUERY, "team-blue/boss"));
        assertEquals(Decision.DENIED, p.check(ALEX, PresenceAction.SUBSCRIBE_ALL, null), "everyone: only * decides");
    }

    @Test
    void javascriptIdiomsOfDeepstreamRulesWork() throws Exception {
        PresencePermissions p = rules("""
                presence:
                  "*":
                    allow: "name !== user.id && (name.startsWith('a') || name.endsWith('z') || name.includes('mid') || name.match(/^R\\\\d+$/i) || name.match('^q'))"
                """);
        for (String allowed : new String[] {"anna", "fizz", "amid", "r42", "R7", "quinn"}) {
            assertEquals(Decision.ALLOWED, p.check(ALEX, PresenceAction.QUERY, allowed), allowed);
        }
        for (String denied : new String[] {"Bob", "R4x", "Alex", "xq"}) {
            assertEquals(Decision.DENIED, p.check(new Requester(denied.equals("Alex") ? "Alex" : "Zed", true, null),
                    PresenceAction.QUERY, denied), denied);
        }
    }

    @Test
    void aRuleThatCannotBeEvaluatedFailsRatherThanAllowing() throws Exception {
        PresencePermissions p = rules("""
                presence:
                  "*":
                    allow: "user.data.role == 'admin'"
                """);
        assertInstanceOf(Decision.Failed.class, p.check(Requester.anonymous(), PresenceAction.QUERY, "Alex"),
                "an anonymous user has no data to read");
        assertEquals(Decision.DENIED, p.check(ALEX, PresenceAction.QUERY, "Alex"));
    }

    @Test
    void rulesCannotReachTheJvm() throws Exception {
        for (String escape : new String[] {"name.getClass() != null", "name.getClass().forName('java.lang.Runtime') != null",
                "''.class != null", "user.getClass() != null"}) {
            PresencePermissions p = rules("presence:\n  \"*\":\n    allow: \"" + escape + "\"\n");
            assertInstanceOf(Decision.Failed.class, p.check(ALEX, PresenceAction.QUERY, "Alex"), escape);
        }
    }

    @Test
    void rulesCannotChangeAnythingNorLoop() {
        for (String effect : new String[] {"(user.id = 'root') != null", "(name += 'x') != null",
                "{ var n = 1; n > 0 }", "[1, 2].size() > 0 && (x -> true)(1)", "new('java.io.File', '/') != null"}) {
            assertThrows(PermissionsException.class, () -> rules("presence:\n  \"*\":\n    allow: \"" + effect + "\"\n"), effect);
        }
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnce() {
        PermissionsException e = assertThrows(PermissionsException.class, () -> rules("""
                presence:
                  "*":
                    allow: "name ==="
                  "$a":
                    allow: "_('records/' + name).visible"
                  "x":
                    read: true
                  "y":
                    allow: 3
                """));
        assertEquals(4, e.problems().size(), () -> String.join("\n", e.problems()));
    }

    @Test
    void aRegularExpressionThatBacktracksWithoutEndFailsTheRuleInsteadOfTakingTheThread() throws Exception {
        PresencePermissions p = rules("presence:\n  \"*\":\n    allow: \"name.match(/(x+x+)+y/)\"\n");
        assertEquals(Decision.ALLOWED, p.check(ALEX, PresenceAction.QUERY, "xxy"));
        // every way to split 128 x's in two runs, again and again, before the missing y says no
        Decision decision = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> p.check(ALEX, PresenceAction.QUERY, "x".repeat(128)));
        Decision.Failed failed = assertInstanceOf(Decision.Failed.class, decision);
        assertTrue(failed.reason().contains("backtracks too much"), failed.reason());
    }

    @Test
    void aFileWithoutAPresenceSectionDeniesPresence() throws Exception {
        PresencePermissions p = rules("record:\n  \"*\":\n    read: true\n");
        assertEquals(Decision.DENIED, p.check(ALEX, PresenceAction.SUBSCRIBE_ALL, null));
    }
}
