package io.presence.node.support;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The test clients of one cluster test: logs them in on chosen nodes and closes them all after. */
public final class Clients implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final TestCluster cluster;
    private final List<TestClient> open = new ArrayList<>();

    public Clients(TestCluster cluster) {
        this.cluster = cluster;
    }

    /** The Vert.x the clients run on, for a test's own connections. */
    public Vertx vertx() {
        return vertx;
    }

    public TestClient login(int node, String username) {
        return login(node, username, TestClient.Endpoint.BINARY);
    }

    public TestClient login(int node, String username, TestClient.Endpoint endpoint) {
        return track(TestClient.loggedIn(vertx, cluster.node(node).port(), endpoint, username));
    }

    /** Logs in without tracking: the test closes this one itself. */
    public TestClient loginUntracked(int node, String username) {
        return TestClient.loggedIn(vertx, cluster.node(node).port(), TestClient.Endpoint.BINARY, username);
    }

    /** Connects to a node and completes the handshake, without logging in. */
    public TestClient connect(int node) {
        TestClient client = track(TestClient.connect(vertx, cluster.node(node).port(), TestClient.Endpoint.BINARY));
        client.handshake();
        return client;
    }

    public TestClient track(TestClient client) {
        open.add(client);
        return client;
    }

    /** One client per node, each subscribed to everyone. */
    public List<TestClient> watchers(int nodes) {
        List<TestClient> watchers = new ArrayList<>();
        for (int node = 0; node < nodes; node++) {
            TestClient w = login(node, "watcher-" + node + "-" + UUID.randomUUID());
            w.subscribeAll();
            watchers.add(w);
        }
        return watchers;
    }

    /** Closes every tracked client; the clients helper stays usable. */
    public void closeAll() {
        open.forEach(TestClient::close);
        open.clear();
    }

    @Override
    public void close() {
        closeAll();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
