package io.presence.node.internal.transport;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.LogCapture;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.presence.protocol.testing.RandomInput;
import io.vertx.core.json.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static io.presence.protocol.testing.PropertyCheck.property;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random HTTP API requests and random names in every presence request, against a real node with
 * a permissions file whose patterns have several wildcards: whatever arrives gets a clear answer
 * of a known kind (never a 500, never silence), no error escapes into the node's log, and a
 * bystander is served throughout. Bounded in time.
 */
@Tag("in-jvm")
class HostileInputPropertiesTest {

    private static final Set<Integer> CLEAR_ANSWERS = Set.of(200, 400, 401, 403, 404, 405, 413, 415, 429);
    private static final int MAX_NAME = 16;
    @RegisterExtension
    static final InJvmNodes nodes = InJvmNodes.startedByTheTest();
    private static int port;

    @BeforeAll
    static void startNode() throws Exception {
        java.nio.file.Path rules = java.nio.file.Files.createTempFile("permissions", ".yml");
        java.nio.file.Files.writeString(rules, """
                presence:
                  "*":
                    allow: true
                  "a*b*c*d*e":
                    allow: "name.match(/(x+x+)+y/) || user.id == 'nobody'"
                  "$team-$who*":
                    allow: "$team != 'blocked'"
                """);
        rules.toFile().deleteOnExit();
        nodes.start(1, Map.of("max.username.length", String.valueOf(MAX_NAME),
                "permissions.file", rules.toString(), "auth.max.failures.per.address", "1000000",
                "max.messages.per.second", "1000000", "max.message.burst", "1000000"));
        port = nodes.cluster().node(0).port();
    }

    /** A name as a stranger might send one: empty, long, odd characters, or one the patterns above almost match. */
    private static String name(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "a".repeat(random.nextInt(3 * MAX_NAME)) + (random.nextBoolean() ? "b" : "");
            case 2 -> "abcd" + "x".repeat(random.nextInt(2 * MAX_NAME));
            case 3 -> (random.nextBoolean() ? "blocked" : "team") + "-" + RandomInput.text(random, 10);
            default -> RandomInput.text(random, 2 * MAX_NAME);
        };
    }

    private static Object command(Random random) {
        if (random.nextInt(5) == 0) {
            return RandomInput.jsonValue(random, 2);
        }
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("topic", random.nextInt(6) == 0 ? RandomInput.text(random, 8) : "presence");
        command.put("action", random.nextInt(6) == 0 ? RandomInput.jsonValue(random, 1) : "query");
        if (random.nextBoolean()) {
            List<Object> names = new ArrayList<>();
            for (int i = random.nextInt(6); i > 0; i--) {
                names.add(random.nextInt(8) == 0 ? RandomInput.jsonValue(random, 1) : name(random));
            }
            command.put("names", names);
        }
        return command;
    }

    /** A POST /api body: usually well formed, often not; commands up to past the limit. */
    private static String body(Random random) {
        if (random.nextInt(8) == 0) {
            return RandomInput.text(random, 40);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        switch (random.nextInt(4)) {
            case 0 -> body.put("authData", random.nextBoolean() ? Map.of("username", name(random)) : RandomInput.jsonValue(random, 2));
            case 1 -> body.put("token", RandomInput.jsonValue(random, 1));
            default -> { }
        }
        if (random.nextInt(10) > 0) {
            List<Object> commands = new ArrayList<>();
            for (int i = random.nextInt(random.nextInt(10) == 0 ? 150 : 5); i > 0; i--) {
                commands.add(command(random));
            }
            body.put("body", random.nextInt(10) == 0 ? RandomInput.jsonValue(random, 1) : commands);
        }
        return Json.encode(body);
    }

    private static HttpRequest request(Random random) {
        String user = URLEncoder.encode(name(random), StandardCharsets.UTF_8).replace("+", "%20");
        return switch (random.nextInt(5)) {
            case 0 -> HttpRequest.newBuilder(NodeHttp.uri(port, "/api/presence/" + (user.isEmpty() ? "x" : user))).build();
            case 1 -> HttpRequest.newBuilder(NodeHttp.uri(port, "/api/presence?names=" + user + "," + user)).build();
            case 2 -> HttpRequest.newBuilder(NodeHttp.uri(port, "/api/presence?limit=" + random.nextInt(20_000) + "&cursor=" + user)).build();
            default -> HttpRequest.newBuilder(NodeHttp.uri(port, "/api"))
                    .header("Content-Type", random.nextInt(10) == 0 ? "text/plain" : "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(random))).build();
        };
    }

    @Test
    void everyHttpApiRequestGetsAClearAnswerAndTheNodeKeepsServing() {
        TestClient bystander = nodes.clients().login(0, "http-bystander");
        try (LogCapture log = LogCapture.start()) {
            property("HTTP API requests get clear answers").tries(400).within(Duration.ofSeconds(12))
                    .forAll(HostileInputPropertiesTest::request, request -> {
                        HttpResponse<String> answer = NodeHttp.send(request);
                        assertTrue(CLEAR_ANSWERS.contains(answer.statusCode()),
                                request.uri() + " -> " + answer.statusCode() + " " + answer.body());
                    });
            bystander.roundTrip();
            assertFalse(log.lines().stream().anyMatch(l -> l.contains("ERROR") || l.contains("Exception")),
                    () -> String.join("\n", log.lines()));
        } finally {
            bystander.close();
        }
    }

    private record Request(Action action, List<String> names) {
    }

    @Test
    void everyNameInEveryPresenceRequestGetsItsAnswerAndTheConnectionStays() {
        TestClient asker = nodes.clients().login(0, "name-asker");
        TestClient bystander = nodes.clients().login(0, "name-bystander", Endpoint.JSON);
        try (LogCapture log = LogCapture.start()) {
            property("names in requests get answers").tries(2_000).within(Duration.ofSeconds(12)).forAll(random -> {
                Action action = List.of(Action.SUBSCRIBE, Action.UNSUBSCRIBE, Action.QUERY).get(random.nextInt(3));
                List<String> names = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    names.add(name(random));
                }
                return new Request(action, names);
            }, request -> {
                String id = asker.nextCorrelationId();
                asker.send(PresenceMessage.request(request.action(), id, request.names()));
                Predicate<Message> answered = m -> m instanceof PresenceMessage p && id.equals(p.correlationId())
                        && (p.isAck() || p.action() == Action.QUERY_RESPONSE || p.action() == Action.INVALID_PRESENCE_USERS
                        || p.action() == Action.MESSAGE_DENIED || p.action() == Action.MESSAGE_PERMISSION_ERROR);
                asker.expect(answered);
            });
            assertFalse(asker.isClosed());
            bystander.roundTrip();
            assertFalse(log.lines().stream().anyMatch(l -> l.contains("ERROR") || l.contains("Exception")),
                    () -> String.join("\n", log.lines()));
        } finally {
            asker.close();
            bystander.close();
        }
    }
}
