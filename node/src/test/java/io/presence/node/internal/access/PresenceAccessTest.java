package io.presence.node.internal.access;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.support.LogCapture;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logins from a users file and presence rules from a permissions file, both in deepstream's
 * formats, over real connections to a real node: who gets in, who may see whom, and what a client
 * is told when it may not.
 */
@Tag("in-jvm")
class PresenceAccessTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String RULES = """
            presence:
              "*":
                allow: "user.data != null && (user.data.role == 'admin' || action == 'QUERY_ALL' || action == 'SUBSCRIBE_ALL')"
              "public-*":
                allow: true
              "team-$team/*":
                allow: "user.data.team === $team"
              "broken-*":
                allow: "user.data.nothing.deeper == 1"
            record:
              "*":
                read: true
            """;

    @TempDir
    static Path dir;
    private static Path permissions;
    private static TestCluster cluster;
    private static Vertx vertx;
    private static WebSocketClient sockets;
    private static int port;
    private final List<TestClient> open = new ArrayList<>();

    @BeforeAll
    static void startNode() throws IOException {
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        Path users = Files.writeString(dir.resolve("users.yml"), """
                blue-member:
                  password: "%s"
                  clientData: { greeting: "hello blue" }
                  serverData: { team: blue, role: user }
                root:
                  password: "%s"
                  serverData: { role: admin }
                """.formatted(hash.hash(PASSWORD), hash.hash(PASSWORD)));
        permissions = Files.writeString(dir.resolve("permissions.yml"), RULES);
        // file first: a user it does not know is passed to none, which lets anyone in by name
        cluster = TestCluster.start(1, Map.of("auth", "file, none", "auth.file.users", users.toString(),
                "permissions.file", permissions.toString()));
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
        sockets = TestClient.sharedClient(vertx);
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @AfterEach
    void closeClients() {
        open.forEach(TestClient::close);
    }

    private TestClient member(String username) {
        TestClient c = TestClient.loggedIn(sockets, port, Endpoint.BINARY, username);
        open.add(c);
        return c;
    }

    private TestClient withPassword(String username, String password) {
        TestClient c = TestClient.connect(vertx, port, Endpoint.BINARY);
        open.add(c);
        c.handshake();
        AuthMessage answer = c.authenticate(new JsonObject().put("username", username).put("password", password).encode());
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL, answer.action(), answer.toString());
        return c;
    }

    private static Predicate denied(Action action, Action original, String name, String correlationId) {
        return m -> m instanceof PresenceMessage p && p.action() == action && p.originalAction() == original.code()
                && p.isError() && name.equals(p.name()) && correlationId.equals(p.correlationId());
    }

    private interface Predicate extends java.util.function.Predicate<Message> {
    }

    @Test
    void aUserOfTheFileGetsInWithItsClientDataAndAWrongPasswordIsRefusedUntilTheClose() {
        try (LogCapture log = LogCapture.start()) {
            TestClient c = TestClient.connect(vertx, port, Endpoint.BINARY);
            open.add(c);
            c.handshake();
            for (int attempt = 1; attempt <= 3; attempt++) {
                AuthMessage refused = c.authenticate("{\"username\":\"root\",\"password\":\"guess-" + attempt + "\"}");
                assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, refused.action());
                assertTrue(refused.data().contains("invalid authentication data"), refused.data());
            }
            c.expect(m -> m instanceof AuthMessage a && a.action() == AuthMessage.Action.TOO_MANY_AUTH_ATTEMPTS);
            c.awaitClosed();

            TestClient in = TestClient.connect(vertx, port, Endpoint.JSON);
            open.add(in);
            in.handshake();
            AuthMessage welcome = in.authenticate("{\"username\":\"blue-member\",\"password\":\"" + PASSWORD + "\"}");
            assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL, welcome.action());
            assertEquals(new JsonObject().put("greeting", "hello blue"), new JsonObject(welcome.data()));
            assertTrue(log.lines().stream().noneMatch(l -> l.contains(PASSWORD) || l.contains("guess-")),
                    "auth data is never logged: " + log.lines());
        }
    }

    @Test
    void deniedNamesOfASubscriptionAreReportedOneByOneAndTheRestServed() {
        TestClient blue = withPassword("blue-member", PASSWORD);
        String id = blue.nextCorrelationId();
        blue.send(PresenceMessage.request(Action.SUBSCRIBE, id, List.of("public-ann", "secret-bob", "team-blue/cat", "team-red/dan")));
        blue.expect(denied(Action.MESSAGE_DENIED, Action.SUBSCRIBE, "secret-bob", id));
        blue.expect(denied(Action.MESSAGE_DENIED, Action.SUBSCRIBE, "team-red/dan", id));
        blue.expect(PresenceMessage.ack(Action.SUBSCRIBE, id));

        for (String name : List.of("secret-bob", "team-red/dan", "public-ann", "team-blue/cat")) {
            member(name);
        }
        blue.expect(presence(Action.PRESENCE_JOIN, "public-ann"));
        blue.expect(presence(Action.PRESENCE_JOIN, "team-blue/cat"));
        blue.roundTrip();
        assertEquals(0, blue.count(m -> m instanceof PresenceMessage p && p.name() != null
                && (p.name().equals("secret-bob") || p.name().equals("team-red/dan"))), blue.received().toString());
    }

    @Test
    void aQueryAnswersTheAllowedNamesAndReportsTheOthers() {
        member("public-eve");
        member("secret-fay");
        TestClient blue = withPassword("blue-member", PASSWORD);
        String id = blue.nextCorrelationId();
        blue.send(PresenceMessage.request(Action.QUERY, id, List.of("public-eve", "secret-fay")));
        blue.expect(denied(Action.MESSAGE_DENIED, Action.QUERY, "secret-fay", id));
        PresenceMessage answer = (PresenceMessage) blue.expect(m -> m instanceof PresenceMessage p
                && p.action() == Action.QUERY_RESPONSE && id.equals(p.correlationId()));
        assertEquals(Map.of("public-eve", true), new JsonObject(answer.data()).getMap());
    }

    @Test
    void getAllListsOnlyTheUsersTheRulesLetTheAskerSeeAndIsDeniedToThoseTheRuleForEveryoneRefuses() {
        TestClient gus = member("public-gus");
        member("secret-hal");
        member("team-blue/ivy");
        TestClient blue = withPassword("blue-member", PASSWORD);
        List<String> seenByBlue = blue.queryAll();
        assertTrue(seenByBlue.containsAll(List.of("public-gus", "team-blue/ivy")), seenByBlue.toString());
        assertFalse(seenByBlue.contains("secret-hal"), seenByBlue.toString());
        assertFalse(seenByBlue.contains("root"), seenByBlue.toString());

        TestClient root = withPassword("root", PASSWORD);
        List<String> seenByRoot = root.queryAll();
        assertTrue(seenByRoot.containsAll(List.of("public-gus", "secret-hal", "blue-member")), seenByRoot.toString());
        assertFalse(seenByRoot.contains("team-blue/ivy"), "the team rule is more specific than the admin's: " + seenByRoot);

        // logged in by the none strategy: no server data, so the rule for everyone refuses
        gus.send(PresenceMessage.of(Action.QUERY_ALL));
        gus.expect(m -> m instanceof PresenceMessage p && p.action() == Action.MESSAGE_DENIED
                && p.originalAction() == Action.QUERY_ALL.code() && p.isError());
    }

    @Test
    void aSubscriptionToEveryoneHearsOnlyOfTheUsersTheRulesAllowOrIsDenied() {
        TestClient blue = withPassword("blue-member", PASSWORD);
        blue.subscribeAll();
        member("secret-jon");
        member("public-jan");
        blue.expect(presence(Action.PRESENCE_JOIN_ALL, "public-jan"));
        blue.roundTrip();
        assertEquals(0, blue.count(presence(Action.PRESENCE_JOIN_ALL, "secret-jon")));

        TestClient zed = member("public-zed");
        zed.send(PresenceMessage.of(Action.SUBSCRIBE_ALL));
        zed.expect(m -> m instanceof PresenceMessage p && p.action() == Action.MESSAGE_DENIED
                && p.originalAction() == Action.SUBSCRIBE_ALL.code() && p.isError());
    }

    @Test
    void aRuleThatFailsToEvaluateAnswersPermissionErrorAndTheConnectionGoesOn() {
        TestClient blue = withPassword("blue-member", PASSWORD);
        String id = blue.nextCorrelationId();
        blue.send(PresenceMessage.request(Action.QUERY, id, List.of("broken-kim", "public-lou")));
        blue.expect(denied(Action.MESSAGE_PERMISSION_ERROR, Action.QUERY, "broken-kim", id));
        blue.expect(m -> m instanceof PresenceMessage p && p.action() == Action.QUERY_RESPONSE && id.equals(p.correlationId()));
        blue.roundTrip();
    }

    @Test
    void aChangedPermissionsFileTakesEffectWithoutARestart() throws IOException {
        TestClient blue = withPassword("blue-member", PASSWORD);
        member("secret-max");
        assertFalse(blue.queryAll().contains("secret-max"));
        try {
            Files.writeString(permissions, RULES.replace("\"public-*\"", "\"secret-*\""));
            Files.setLastModifiedTime(permissions, FileTime.from(Instant.now().plusSeconds(5)));
            await().atMost(TestClient.WAIT).until(() -> blue.queryAll().contains("secret-max"));
        } finally {
            Files.writeString(permissions, RULES);
            Files.setLastModifiedTime(permissions, FileTime.from(Instant.now().plusSeconds(10)));
            await().atMost(TestClient.WAIT).until(() -> !blue.queryAll().contains("secret-max"));
        }
    }
}
