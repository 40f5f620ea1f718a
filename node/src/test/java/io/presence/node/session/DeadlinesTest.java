package io.presence.node.session;

import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.node.support.VanishingClient;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections that never log in, or fall silent, are closed; a silent user is logged out. */
class DeadlinesTest {

    private static final long AUTH_TIMEOUT = 800;
    private static final long CLIENT_TIMEOUT = 900;
    private static TestCluster cluster;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void startNode() {
        cluster = TestCluster.start(1, java.util.Map.of("auth.timeout.ms", String.valueOf(AUTH_TIMEOUT),
                "client.timeout.ms", String.valueOf(CLIENT_TIMEOUT)));
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @Test
    void connectionThatNeverLogsInGetsAuthenticationTimeoutAndIsClosed() {
        TestClient c = TestClient.connect(vertx, port, Endpoint.BINARY);
        c.handshake();
        ConnectionMessage reply = (ConnectionMessage) c.expect(m -> m instanceof ConnectionMessage);
        assertEquals(ConnectionMessage.Action.AUTHENTICATION_TIMEOUT, reply.action());
        c.awaitClosed();
        c.close();
    }

    @Test
    void vanishedClientIsDroppedAndLoggedOutWhileAQuietLiveOneStays() {
        String vanishing = "vanishing-" + UUID.randomUUID();
        try (TestClient watcher = TestClient.loggedIn(vertx, port, Endpoint.JSON, "watcher-" + UUID.randomUUID())) {
            watcher.subscribeAll();
            long frozenAt = System.currentTimeMillis();
            VanishingClient gone = VanishingClient.loggedIn(port, vanishing);
            watcher.expect(presence(Action.PRESENCE_JOIN_ALL, vanishing));
            watcher.expect(presence(Action.PRESENCE_LEAVE_ALL, vanishing));
            long took = System.currentTimeMillis() - frozenAt;
            assertTrue(took >= CLIENT_TIMEOUT * 29 / 30, "not before the timeout (less one check): " + took + " ms");
            // the watcher sent nothing since subscribing, yet answered the node's pings and stays
            await().atMost(TestClient.WAIT).until(() -> System.currentTimeMillis() - frozenAt > 3 * CLIENT_TIMEOUT);
            watcher.roundTrip();
            assertFalse(watcher.isClosed());
            gone.abort();
        }
    }
}
