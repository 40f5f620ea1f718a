package io.presence.node.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Node processes that send webhooks to a real receiver, with the test's clients: one test's
 * fixture, closed after it in the order that does not hang (nodes first, so that a client of a
 * stopped node does not wait out its close handshake). Register it with {@code @RegisterExtension}
 * on an instance field.
 */
public final class WebhookedProcesses implements AfterEachCallback {

    private final String secret = "hook-secret-" + UUID.randomUUID();
    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient ws = TestClient.sharedClient(vertx);
    private final WebhookReceiver receiver = new WebhookReceiver(secret);
    private final List<TestClient> clients = new ArrayList<>();
    private ProcessCluster cluster;

    /** Starts {@code size} nodes posting to the receiver, signed with its secret. */
    public ProcessCluster start(ProcessCluster.Topology topology, int size) {
        cluster = ProcessCluster.start(topology, size, Map.of("webhook.urls", receiver.url(), "webhook.secret", secret));
        return cluster;
    }

    public Vertx vertx() {
        return vertx;
    }

    public WebSocketClient ws() {
        return ws;
    }

    public WebhookReceiver receiver() {
        return receiver;
    }

    /** The clients closed after the test; add to it. */
    public List<TestClient> clients() {
        return clients;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
        TestClient.closeAll(clients);
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
