package io.presence.node.internal.transport;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.support.InJvmNodes;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.node.support.WebhookReceiver;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who a user is, on a real 3-node cluster over real HTTP and WebSocket connections: the data a
 * login strategy returned for a user logged in on one node is shown by any node to callers the
 * presence rules let query that user, and refused to others; each webhook event carries it when
 * {@code webhook.include.data} is on; data over {@code user.data.max.bytes} is not kept, while the
 * client that logged in still gets it whole, as before.
 */
@Tag("in-jvm")
class UserDataTest {

    @RegisterExtension
    static final InJvmNodes nodes = InJvmNodes.startedByTheTest();

    private static final String PASSWORD = "who is who";
    private static final String SECRET = "user-data-webhook-secret";
    private static final int MAX_BYTES = 512;

    @TempDir
    static Path dir;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startNodes() throws IOException {
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        String password = hash.hash(PASSWORD);
        Path users = Files.writeString(dir.resolve("users.yml"), """
                alex:
                  password: "%s"
                  clientData: { name: "Alex Doe", team: "blue" }
                chatty:
                  password: "%s"
                  clientData: { bio: "%s" }
                backend:
                  password: "%s"
                intern:
                  password: "%s"
                """.formatted(password, password, "x".repeat(MAX_BYTES), password, password));
        Path rules = Files.writeString(dir.resolve("permissions.yml"), """
                presence:
                  "*":
                    allow: "user.id != 'intern'"
                """);
        receiver = new WebhookReceiver(SECRET);
        nodes.start(3, Map.of("auth", "file, none", "auth.file.users", users.toString(),
                "permissions.file", rules.toString(), "user.data.max.bytes", String.valueOf(MAX_BYTES),
                "webhook.urls", receiver.url(), "webhook.secret", SECRET, "webhook.include.data", "true",
                "webhook.batch.ms", "20"));
    }

    @AfterAll
    static void stopNodes() {
        nodes.close();
        receiver.close();
    }

    private static HttpResponse<String> get(int node, String path, String caller) {
        HttpRequest.Builder request = HttpRequest.newBuilder(NodeHttp.uri(nodes.cluster().node(node).port(), path))
                .timeout(TestClient.WAIT);
        if (caller != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((caller + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return NodeHttp.send(request.build());
    }

    private static JsonObject user(int node, String name) {
        HttpResponse<String> response = get(node, "/api/presence/" + name, "backend");
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private static TestClient loginWithPassword(int node, String username, String expectedClientData) {
        TestClient client = nodes.clients().track(nodes.clients().connect(node));
        AuthMessage ack = client.authenticate("{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL, ack.action());
        assertEquals(new JsonObject(expectedClientData), new JsonObject(ack.data()), "the client gets its data as before");
        return client;
    }

    private static List<WebhookReceiver.Event> eventsOf(String user) {
        return receiver.events().stream().filter(e -> e.user().equals(user)).toList();
    }

    @Test
    void anyNodeShowsAUsersDataToCallersAllowedToQueryItAndRefusesOthers() {
        JsonObject alexData = new JsonObject().put("name", "Alex Doe").put("team", "blue");
        TestClient watcher = nodes.clients().login(0, "watcher");
        watcher.subscribeAll();
        TestClient alex = loginWithPassword(2, "alex", alexData.encode());
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, "alex"));

        for (int node = 0; node < 3; node++) {
            int asked = node;
            await().atMost(TestClient.WAIT).until(() -> user(asked, "alex").getValue("data") != null);
            JsonObject answer = user(node, "alex");
            assertTrue(answer.getBoolean("online"));
            assertEquals(alexData, answer.getJsonObject("data"), "node " + node);
        }
        HttpResponse<String> names = get(1, "/api/presence?names=alex,backend,nobody", "backend");
        assertEquals(200, names.statusCode(), names.body());
        assertEquals(new JsonObject().put("alex", alexData), new JsonObject(names.body()).getJsonObject("data"),
                "only users with data are listed");
        assertNull(user(0, "nobody").getValue("data"));

        HttpResponse<String> refused = get(0, "/api/presence/alex", "intern");
        assertEquals(403, refused.statusCode());
        assertFalse(refused.body().contains("Alex Doe"), refused.body());
        HttpResponse<String> refusedNames = get(1, "/api/presence?names=alex", "intern");
        assertEquals(403, refusedNames.statusCode());
        assertFalse(refusedNames.body().contains("Alex Doe"), refusedNames.body());

        // webhook events carry it, the login's and the logout's
        alex.close();
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, "alex"));
        await().atMost(TestClient.WAIT).until(() -> eventsOf("alex").size() >= 2);
        List<WebhookReceiver.Event> events = eventsOf("alex");
        assertEquals(List.of(true, false), events.stream().map(WebhookReceiver.Event::online).toList());
        for (WebhookReceiver.Event e : events) {
            assertTrue(e.carriesData());
            assertEquals(alexData, e.data());
        }
        // and it is remembered after the logout, like the last-seen time
        JsonObject after = user(1, "alex");
        assertFalse(after.getBoolean("online"));
        assertNotNull(after.getValue("lastSeen"));
        assertEquals(alexData, after.getJsonObject("data"));
    }

    @Test
    void dataOverTheBoundIsNotKeptAndAUserWithoutDataHasNone() {
        String bio = "{\"bio\":\"" + "x".repeat(MAX_BYTES) + "\"}";
        TestClient watcher = nodes.clients().login(1, "watcher-2");
        watcher.subscribeAll();
        loginWithPassword(0, "chatty", bio);
        TestClient backend = nodes.clients().track(nodes.clients().connect(2));
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL,
                backend.authenticate("{\"username\":\"backend\",\"password\":\"" + PASSWORD + "\"}").action());
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, "chatty"));
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, "backend"));

        await().atMost(TestClient.WAIT).until(() -> eventsOf("chatty").size() >= 1 && eventsOf("backend").size() >= 1);
        for (String name : List.of("chatty", "backend")) {
            WebhookReceiver.Event login = eventsOf(name).get(0);
            assertTrue(login.online());
            assertTrue(login.carriesData(), "with webhook.include.data every event has the field");
            assertNull(login.data(), name + " has no data kept");
            JsonObject answer = user(2, name);
            assertTrue(answer.getBoolean("online"));
            assertNull(answer.getValue("data"), name);
        }
    }
}
