package io.presence.client;

import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The SDK disconnected by the server (POST /api/presence/{user}/disconnect on another node): it
 * reconnects as after any lost connection and logs in again with the same data, and gets back in
 * only when the server lets it; refused, it stays out and tells the application why.
 */
@Tag("in-jvm")
class DisconnectedByServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path dir;
    private static TestCluster cluster;
    private final List<PresenceClient> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws IOException {
        Path rules = Files.writeString(dir.resolve("permissions.yml"), """
                presence:
                  "*":
                    allow: true
                    disconnect: "user.id == 'moderator'"
                """);
        cluster = TestCluster.start(3, Map.of("permissions.file", rules.toString()));
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(PresenceClient::close);
    }

    private static final class States implements ConnectionListener {
        final List<ConnectionState> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onStateChanged(ConnectionState state) {
            seen.add(state);
        }
    }

    private PresenceClient loggedIn(int node, String username, ConnectionListener listener) {
        PresenceClient.Builder builder = PresenceClient.builder().url("127.0.0.1:" + cluster.node(node).port())
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500));
        if (listener != null) {
            builder.connectionListener(listener);
        }
        PresenceClient client = builder.build();
        clients.add(client);
        client.login(Map.of("username", username)).join();
        return client;
    }

    private static int disconnect(String user, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(0).port()
                        + "/api/presence/" + user + "/disconnect"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("moderator:x".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aDisconnectedClientReconnectsAndLogsInAgainWhenTheServerLetsIt() throws Exception {
        String me = "kicked-" + UUID.randomUUID().toString().substring(0, 8);
        PresenceClientTest.Recorder watcher = new PresenceClientTest.Recorder();
        loggedIn(1, "watcher-" + me, null).presence().subscribe(me, watcher);
        States states = new States();
        PresenceClient kicked = loggedIn(2, me, states);
        watcher.awaitCall(me + ":true");

        assertEquals(202, disconnect(me, "{\"reason\":\"spamming\"}"));

        await().atMost(WAIT).until(() -> watcher.calls.size() == 3);
        assertEquals(List.of(me + ":true", me + ":false", me + ":true"), watcher.calls);
        await().atMost(WAIT).until(() -> kicked.state() == ConnectionState.CONNECTED
                && states.seen.equals(List.of(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ConnectionState.CONNECTED)));
    }

    @Test
    void aDisconnectedClientWhoseLoginsAreRefusedStaysOut() throws Exception {
        String me = "banned-" + UUID.randomUUID().toString().substring(0, 8);
        PresenceClientTest.Recorder watcher = new PresenceClientTest.Recorder();
        PresenceClient asker = loggedIn(1, "watcher-" + me, null);
        asker.presence().subscribe(me, watcher);
        States states = new States();
        PresenceClient banned = loggedIn(2, me, states);
        watcher.awaitCall(me + ":true");

        assertEquals(202, disconnect(me, "{\"reason\":\"password changed\",\"refuseLoginsForMs\":60000}"));

        watcher.awaitCall(me + ":false");
        // it reconnects, its login with the same data is refused: it stays out
        await().atMost(WAIT).until(() -> states.seen.contains(ConnectionState.RECONNECTING));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> banned.state() == ConnectionState.RECONNECTING && !asker.presence().getAll(List.of(me)).join().get(me));
        assertEquals(List.of(me + ":true", me + ":false"), watcher.calls);
    }
}
