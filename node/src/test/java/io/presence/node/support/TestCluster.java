package io.presence.node.support;

import io.presence.node.PresenceNode;
import io.presence.node.config.NodeConfig;
import io.presence.node.config.NodeConfigLoader;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Real nodes in this JVM, each with its own Hazelcast member on loopback, in a port range and
 * under a cluster name of their own so that they never join a developer's running cluster.
 */
public final class TestCluster implements AutoCloseable {

    /** Hazelcast ports for tests; the local dev cluster uses 5701-5710. */
    public static final int HAZELCAST_BASE_PORT = 5901;
    private static final String MEMBERS = "127.0.0.1";

    private final String name = "presence-test-" + UUID.randomUUID();
    private final List<PresenceNode> nodes = new ArrayList<>();
    /** Nodes this test crashed or stopped on purpose (until restarted): the others must be up. */
    private final Set<PresenceNode> down = new HashSet<>();
    private final Map<String, String> settings;

    private TestCluster(Map<String, String> settings) {
        this.settings = settings;
    }

    public static TestCluster start(int size) {
        return start(size, Map.of());
    }

    /** Starts {@code size} nodes together, with these settings (keys as in node.properties), as one cluster. */
    public static TestCluster start(int size, Map<String, String> settings) {
        TestCluster cluster = new TestCluster(settings);
        List<CompletableFuture<PresenceNode>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            starting.add(cluster.startNodeAsync());
        }
        starting.forEach(CompletableFuture::join);
        cluster.awaitMembers(size);
        return cluster;
    }

    public CompletableFuture<PresenceNode> startNodeAsync() {
        Map<String, String> all = new HashMap<>(settings);
        all.put("port", String.valueOf(freePort()));
        all.put("cluster.name", name);
        all.put("hazelcast.port", String.valueOf(HAZELCAST_BASE_PORT));
        all.put("hazelcast.members", MEMBERS);
        return startNodeAsync(NodeConfigLoader.fromSettings(all));
    }

    /** Starts a new node with the configuration (so the port) of the stopped node {@code index}, in its place. */
    public PresenceNode restart(int index) {
        NodeConfig config = node(index).config();
        PresenceNode node = PresenceNode.create(config);
        synchronized (nodes) {
            nodes.set(index, node);
        }
        return node.start().toCompletionStage().toCompletableFuture().join();
    }

    private CompletableFuture<PresenceNode> startNodeAsync(NodeConfig config) {
        PresenceNode node = PresenceNode.create(config);
        synchronized (nodes) {
            nodes.add(node);
        }
        return node.start().toCompletionStage().toCompletableFuture();
    }

    public PresenceNode node(int index) {
        synchronized (nodes) {
            return nodes.get(index);
        }
    }

    /** Waits until every node the test has not taken down serves and sees {@code size} members. */
    public void awaitMembers(int size) {
        await().atMost(TestClient.WAIT.multipliedBy(3)).until(() -> {
            synchronized (nodes) {
                return nodes.stream().filter(n -> !down.contains(n))
                        .allMatch(n -> n.healthy() && n.hazelcast().getCluster().getMembers().size() == size);
            }
        });
    }

    /** Kills a node's member abruptly, as a crash would. */
    public void crash(int index) {
        PresenceNode node = takeDown(index);
        node.crash().join();
    }

    public void stop(int index) {
        PresenceNode node = takeDown(index);
        node.stop().orTimeout(60, TimeUnit.SECONDS).join();
    }

    private PresenceNode takeDown(int index) {
        synchronized (nodes) {
            PresenceNode node = nodes.get(index);
            down.add(node);
            return node;
        }
    }

    /**
     * A port free on loopback right now, for a node's HTTP server. Taken below the kernel's
     * ephemeral range (32768 and up here), so that no outgoing connection can be given it between
     * this check and the node binding it.
     */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(candidate, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found in 20000-32000");
    }

    @Override
    public void close() {
        List<PresenceNode> all;
        synchronized (nodes) {
            all = List.copyOf(nodes);
        }
        for (PresenceNode node : all) {
            if (node.hazelcast() != null && node.hazelcast().getLifecycleService().isRunning()) {
                node.crash().orTimeout(30, TimeUnit.SECONDS).join();
            }
        }
    }
}
