package io.presence.node.session;

import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.presence.node.support.TestClient.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Connections that never log in, or fall silent, are closed; a silent user is logged out. */
class DeadlinesTest {

    private static final long AUTH_TIMEOUT = 800;
    private static final long HEARTBEAT = 600;
    private static TestCluster cluster;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void startNode() {
        cluster = TestCluster.start(1, c -> c.withLimits(c.maxMessageSize(), AUTH_TIMEOUT, HEARTBEAT));
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
    void silentClientIsDroppedAndLoggedOutWhileAPingingOneStays() {
        String silent = "silent-" + UUID.randomUUID();
        TestClient watcher = TestClient.loggedIn(vertx, port, Endpoint.JSON, "watcher-" + UUID.randomUUID());
        long pinger = vertx.setPeriodic(HEARTBEAT / 3, t -> watcher.send(ConnectionMessage.of(ConnectionMessage.Action.PING)));
        try {
            watcher.subscribeAll();
            TestClient quiet = TestClient.loggedIn(vertx, port, Endpoint.BINARY, silent);
            watcher.expect(presence(Action.PRESENCE_JOIN_ALL, silent));
            quiet.awaitClosed();
            watcher.expect(presence(Action.PRESENCE_LEAVE_ALL, silent));
            quiet.close();
            watcher.roundTrip();
        } finally {
            vertx.cancelTimer(pinger);
            watcher.close();
        }
    }
}
