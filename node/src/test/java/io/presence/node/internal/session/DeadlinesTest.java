package io.presence.node.internal.session;

import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.node.support.VanishingClient;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections that never log in, or fall silent, are closed; a silent user is logged out. */
@Tag("in-jvm")
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

    /**
     * A frozen client with unread data in its way never lets a close frame out, and Vert.x's own
     * closing timeout waits for that frame to be written: the node's deadline ends it instead.
     */
    @Test
    void aSilentClientBehindAFullSocketIsDisconnectedAfterTheCloseDeadline() {
        String frozen = "frozen-" + UUID.randomUUID();
        try (TestClient watcher = TestClient.loggedIn(vertx, port, Endpoint.JSON, "watcher-" + UUID.randomUUID())) {
            watcher.subscribeAll();
            VanishingClient slow = VanishingClient.loggedIn(port, frozen);
            try {
                watcher.expect(presence(Action.PRESENCE_JOIN_ALL, frozen));
                // about 8 MB of answers: more than loopback's socket buffers take (about 4 MB),
                // less than the default max.send.backlog that would drop it for another reason
                PresenceMessage question = VanishingClient.bigQuestion("q", 3_500);
                for (int i = 0; i < 100; i++) {
                    assertTrue(slow.sendUnread(question), "dropped while still asking, after " + i);
                }
                // then silence: logged out at the client timeout, its close frame stuck behind the answers
                watcher.expect(presence(Action.PRESENCE_LEAVE_ALL, frozen));
                PresenceMessage probe = PresenceMessage.request(Action.QUERY, "probe", List.of("x"));
                // the node's close deadline is 10 s (Vert.x's closing timeout); the rest is margin
                await().atMost(Duration.ofSeconds(40))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> !slow.sendUnread(probe));
            } finally {
                slow.abort();
            }
        }
    }
}
