package io.presence.client;

import io.presence.node.support.ProcessCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that hangs (SIGSTOP) keeps its TCP connections open but answers nothing: only the SDK's
 * heartbeat can notice. Nodes run as processes here so that they can be frozen for real.
 */
@Tag("process")
class HeartbeatTest {

    private ProcessCluster cluster;
    private PresenceClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aHungNodeIsNoticedByTheHeartbeatAndItsPendingQueryFailsAsConnectionLost() {
        cluster = ProcessCluster.start(2, Map.of());
        Vertx vertx = Vertx.vertx();
        try {
            cluster.awaitOneCluster(vertx, io.presence.node.support.TestClient.sharedClient(vertx));
        } finally {
            vertx.close();
        }
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        client = PresenceClient.builder()
                .url("127.0.0.1:" + cluster.port(0))
                .url("127.0.0.1:" + cluster.port(1))
                .firstUrlFirst() // node 0 is the one frozen below
                .heartbeatInterval(Duration.ofMillis(300))
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200))
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onStateChanged(ConnectionState state) {
                        states.add(state);
                    }
                })
                .build();
        String me = "beat-" + UUID.randomUUID();
        client.login(Map.of("username", me)).join();

        long frozenAt = System.currentTimeMillis();
        cluster.node(0).pause();
        CompletableFuture<List<String>> pending = client.presence().getAll();
        CompletionException lost = assertThrows(CompletionException.class, pending::join);
        assertInstanceOf(PresenceException.ConnectionLost.class, lost.getCause());
        long noticedAfter = System.currentTimeMillis() - frozenAt;
        assertTrue(noticedAfter >= 600, "not before two silent intervals: " + noticedAfter + " ms");

        await().atMost(Duration.ofSeconds(20)).until(() -> client.state() == ConnectionState.CONNECTED
                && states.contains(ConnectionState.RECONNECTING));
        List<String> online = client.presence().getAll().join();
        assertTrue(online != null, "answered by node 1");
        cluster.node(0).resume();
    }
}
