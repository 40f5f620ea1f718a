package io.presence.node.internal.transport;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.internal.session.CloseCode;
import io.presence.node.support.InJvmNodes;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disconnecting a user from the server, on a real 3-node cluster over real HTTP and WebSocket
 * connections: an allowed caller's call to one node closes the user's connections on every node
 * with the reason, subscribers see one leave, a refusal keeps the user's logins out on every node
 * (a node that starts later included) until it ends, and callers the rules do not allow change
 * nothing.
 */
@Tag("in-jvm")
class DisconnectTest {

    @RegisterExtension
    static final InJvmNodes nodes = InJvmNodes.startedByTheTest();

    private static final String PASSWORD = "moderation secret";

    @TempDir
    static Path dir;

    @BeforeAll
    static void startNodes() throws IOException {
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        Path users = Files.writeString(dir.resolve("users.yml"), """
                moderator:
                  password: "%s"
                  serverData: { role: moderator }
                member:
                  password: "%s"
                  serverData: { role: member }
                """.formatted(hash.hash(PASSWORD), hash.hash(PASSWORD)));
        Path rules = Files.writeString(dir.resolve("permissions.yml"), """
                presence:
                  "*":
                    allow: true
                    disconnect: "user.data.role == 'moderator'"
                """);
        nodes.start(3, Map.of("auth", "file, none", "auth.file.users", users.toString(),
                "permissions.file", rules.toString()));
    }

    private static HttpResponse<String> disconnect(int node, String user, String caller, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(NodeHttp.uri(nodes.cluster().node(node).port(),
                        "/api/presence/" + user + "/disconnect"))
                .timeout(TestClient.WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (caller != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((caller + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return NodeHttp.send(request.build());
    }

    private static AuthMessage tryLogin(int node, String username) {
        TestClient client = nodes.clients().connect(node);
        return client.authenticate("{\"username\":\"" + username + "\"}");
    }

    @Test
    void aModeratorsCallToOneNodeClosesTheUsersConnectionsOnEveryNodeAndSubscribersSeeOneLeave() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String victim = "victim-" + tag;
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        TestClient onNode2 = nodes.clients().login(2, victim);
        TestClient onNode1 = nodes.clients().login(1, victim);
        TestClient bystander = nodes.clients().login(2, "bystander-" + tag);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, victim));

        HttpResponse<String> response = disconnect(0, victim, "moderator", "{\"reason\":\"spamming the lobby\"}");
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(victim, new JsonObject(response.body()).getString("user"));

        for (TestClient connection : new TestClient[] {onNode2, onNode1}) {
            connection.awaitClosed();
            assertEquals(CloseCode.DISCONNECTED, connection.closeStatus());
            assertEquals("spamming the lobby", connection.closeReason());
        }
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, victim));
        bystander.roundTrip();
        assertFalse(bystander.isClosed(), "only that user's connections close");
        watcher.roundTrip();
        assertEquals(0, watcher.count(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, victim)),
                "one leave, however many connections the user had");

        // no refusal asked for: the user may come straight back
        nodes.clients().login(1, victim);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, victim));
    }

    @Test
    void aRefusalKeepsTheUserOutOnEveryNodeIncludingOneStartedLaterUntilItEnds() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String briefly = "briefly-" + tag;
        String longer = "longer-" + tag;
        TestClient connection = nodes.clients().login(1, briefly);

        HttpResponse<String> response = disconnect(2, briefly, "moderator", "{\"refuseLoginsForMs\":3000}");
        assertEquals(202, response.statusCode(), response.body());
        assertTrue(new JsonObject(response.body()).getLong("refusedUntil") > System.currentTimeMillis() - 1000, response.body());
        connection.awaitClosed();
        assertEquals("disconnected by the server", connection.closeReason());
        for (int node = 0; node < 3; node++) {
            AuthMessage answer = tryLogin(node, briefly);
            assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, answer.action(), "node " + node);
            assertTrue(String.valueOf(answer.data()).contains("refused until"), String.valueOf(answer.data()));
        }
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL, tryLogin(0, "someone-else-" + tag).action());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> tryLogin(1, briefly).action() == AuthMessage.Action.AUTH_SUCCESSFUL);

        // a refusal outlives the nodes that heard it: a node started afterwards reads it from the cluster
        assertEquals(202, disconnect(0, longer, "moderator", "{\"refuseLoginsForMs\":120000}").statusCode());
        nodes.cluster().stop(2);
        nodes.cluster().restart(2);
        assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, tryLogin(2, longer).action());
    }

    @Test
    void callersTheRulesDoNotAllowAndBadRequestsChangeNothing() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String user = "kept-" + tag;
        TestClient connection = nodes.clients().login(1, user);

        assertEquals(403, disconnect(0, user, "member", "{}").statusCode(), "a member may not");
        assertEquals(403, disconnect(0, user, null, "").statusCode(), "an anonymous caller may not");
        assertEquals(400, disconnect(0, user, "moderator", "{\"reason\":\"" + "x".repeat(121) + "\"}").statusCode(),
                "a reason longer than a close frame holds");
        assertEquals(400, disconnect(0, user, "moderator", "{\"refuseLoginsForMs\":-1}").statusCode());
        assertEquals(400, disconnect(0, user, "moderator", "{\"refuseLoginsForMs\":86400001}").statusCode(), "a day at most");
        assertEquals(400, disconnect(0, user, "moderator", "[1,2]").statusCode(), "the body is an object");
        assertEquals(400, disconnect(0, "n".repeat(200), "moderator", "{}").statusCode(), "names keep their bound");

        connection.roundTrip();
        assertFalse(connection.isClosed());
    }
}
