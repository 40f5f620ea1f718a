package io.presence.node.support;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One real node for a test class, with a Vert.x of the test's own for its clients: started in
 * {@code @BeforeAll}, closed in {@code @AfterAll}; the clients it logs in are closed by
 * {@link #closeClients()} (in {@code @AfterEach}) or at the end.
 */
public final class OneNode implements AutoCloseable {

    private final TestCluster cluster;
    private final Vertx vertx;
    private final List<TestClient> open = new ArrayList<>();

    private OneNode(TestCluster cluster) {
        this.cluster = cluster;
        this.vertx = Vertx.vertx();
    }

    public static OneNode start(Map<String, String> settings) {
        return new OneNode(TestCluster.start(1, settings));
    }

    public int port() {
        return cluster.node(0).port();
    }

    public Vertx vertx() {
        return vertx;
    }

    public TestCluster cluster() {
        return cluster;
    }

    /** A client logged in as {@code username} over {@code endpoint}, closed with the others. */
    public TestClient loggedIn(String username, TestClient.Endpoint endpoint) {
        return track(TestClient.loggedIn(vertx, port(), endpoint, username));
    }

    public TestClient loggedIn(String username) {
        return loggedIn(username, TestClient.Endpoint.BINARY);
    }

    /** A client connected, not logged in, closed with the others. */
    public TestClient connected() {
        return track(TestClient.connect(vertx, port(), TestClient.Endpoint.BINARY));
    }

    private TestClient track(TestClient client) {
        synchronized (open) {
            open.add(client);
        }
        return client;
    }

    public void closeClients() {
        synchronized (open) {
            open.forEach(TestClient::close);
            open.clear();
        }
    }

    @Override
    public void close() {
        closeClients();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }
}
