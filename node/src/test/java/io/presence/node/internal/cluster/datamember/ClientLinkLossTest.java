package io.presence.node.internal.cluster.datamember;

import com.hazelcast.client.impl.ClientEndpoint;
import com.hazelcast.client.impl.ClientEngineImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import io.presence.node.PresenceNode;
import io.presence.node.config.NodeConfigLoader;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client mode, two data members and two nodes in one JVM: when one data member loses its link
 * to a node (a blip, a pause just past the heartbeat timeout) while the other keeps it, the
 * node's users stay online: no leave at any subscriber, and every node still lists them. Neither
 * the data member that lost the link nor another node's reconciliation round, which once took
 * that data member's list of connected nodes for the live ones (found by the randomized fault
 * run, after a data member came back), lets them go.
 */
@Tag("in-jvm")
class ClientLinkLossTest {

    private static final int DATA_PORT = 5931;

    private final String name = "presence-link-test-" + UUID.randomUUID();
    private final List<DataMember> dataMembers = new ArrayList<>();
    private final List<PresenceNode> nodes = new ArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();
    private Vertx vertx;

    @AfterEach
    void stop() {
        TestClient.closeAll(clients);
        nodes.forEach(n -> n.crash().join());
        dataMembers.forEach(DataMember::close);
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private PresenceNode startNode() {
        return startNode(30_000);
    }

    private PresenceNode startNode(long reconcileMillis) {
        PresenceNode node = PresenceNode.create(NodeConfigLoader.fromSettings(Map.of(
                "port", String.valueOf(TestCluster.freePort()), "cluster.name", name, "cluster.mode", "client",
                "hazelcast.members", "127.0.0.1:" + DATA_PORT + ",127.0.0.1:" + (DATA_PORT + 1),
                "reconcile.interval.ms", String.valueOf(reconcileMillis))));
        nodes.add(node);
        return node.start().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aNodeThatLosesItsLinkToOneDataMemberKeepsItsUsers() {
        for (int i = 0; i < 2; i++) {
            dataMembers.add(DataMember.start(NodeConfigLoader.fromSettings(Map.of("cluster.name", name,
                    "hazelcast.port", String.valueOf(DATA_PORT), "hazelcast.members", "127.0.0.1"))));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> dataMembers.get(0).memberCount() == 2);
        PresenceNode blipped = startNode();
        // the other node reconciles all the time: its rounds must not take the data member that
        // lost the link for the judge of which nodes live either
        PresenceNode other = startNode(100);
        vertx = Vertx.vertx();
        WebSocketClient ws = TestClient.sharedClient(vertx);
        TestClient watcher = TestClient.loggedIn(ws, other.port(), Endpoint.BINARY, "watcher");
        clients.add(watcher);
        watcher.subscribeAll();
        Set<String> users = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String user = "steady-" + i;
            users.add(user);
            clients.add(TestClient.loggedIn(ws, blipped.port(), Endpoint.BINARY, user));
        }
        for (String user : users) {
            watcher.expect(TestClient.presence(Action.PRESENCE_JOIN_ALL, user));
        }

        // data member 0 drops its link to the node; data member 1 keeps its own
        UUID node = blipped.hazelcast().getLocalEndpoint().getUuid();
        ClientEngineImpl engine = (ClientEngineImpl) ((HazelcastInstanceProxy) dataMembers.get(0).hazelcast())
                .getOriginal().node.getClientEngine();
        await().atMost(Duration.ofSeconds(10)).until(() -> endpointOf(engine, node) != null);
        ClientEndpoint blip = endpointOf(engine, node);
        blip.getConnection().close("a blip on one link (test)", null);
        // that link is gone (the node may already have opened a new one)
        await().atMost(Duration.ofSeconds(10)).until(() -> !blip.isAlive() || endpointOf(engine, node) != blip);

        // the data member that lost it released nothing (it releases at once when it does)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> leaves(watcher, users) == 0);
        assertTrue(watcher.queryAll().containsAll(users), "every user still online at the other node");
        assertEquals(0, leaves(watcher, users));
    }

    private static long leaves(TestClient watcher, Set<String> users) {
        return users.stream().mapToLong(u -> watcher.count(TestClient.presence(Action.PRESENCE_LEAVE_ALL, u))).sum();
    }

    private static ClientEndpoint endpointOf(ClientEngineImpl engine, UUID client) {
        for (ClientEndpoint endpoint : engine.getEndpointManager().getEndpoints()) {
            if (client.equals(endpoint.getUuid())) {
                return endpoint;
            }
        }
        return null;
    }
}
