package io.presence.node.process;

import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every failure of {@link NodeFailureProcessTest}, with the nodes as Hazelcast clients of two
 * data members (client mode): a node's death is no member leaving, and its users are released
 * by the data members when they see it disconnect. Plus the data tier's own failure.
 */
@Tag("process")
class NodeFailureClientModeTest extends NodeFailureProcessTest {

    @Override
    protected ProcessCluster.Topology topology() {
        return ProcessCluster.Topology.CLIENT;
    }

    /**
     * A data member killed while users log in on every node: its partitions are served by the
     * other's backups, operations cut off are sent again, and every user ends up online exactly
     * once at every subscriber and in every node's answer; their logouts afterwards arrive once.
     */
    @Test
    void aDataMemberKilledUnderLoadLosesNoUserAndNoEvent() {
        cluster = ProcessCluster.start(topology(), 3, Map.of());
        cluster.awaitOneCluster(vertx, ws);
        List<TestClient> watchers = watchers(0, 1, 2);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<String> names = new ArrayList<>();
        List<TestClient> users = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            if (i == 100) {
                cluster.dataMember(1).kill9();
            }
            String name = "load-" + tag + "-" + i;
            names.add(name);
            users.add(login(i % 3, name));
        }
        long killedBy = System.currentTimeMillis();
        long took = awaitAll(watchers, 300, event(Action.PRESENCE_JOIN_ALL, "load-" + tag), killedBy, Duration.ofSeconds(30));
        measured("data member killed during 300 logins -> every join at every subscriber, after the last login", took);
        for (TestClient w : watchers) {
            await().atMost(Duration.ofSeconds(30)).until(() -> onlineAmong(w, "load-" + tag).equals(new HashSet<>(names)));
        }
        assertExactlyOnce(watchers, names, Action.PRESENCE_JOIN_ALL);
        for (TestClient w : watchers) {
            assertEquals(0, w.count(event(Action.PRESENCE_LEAVE_ALL, "load-" + tag)), "no user logged out by the data member's death");
        }

        users.forEach(TestClient::close);
        awaitAll(watchers, 300, event(Action.PRESENCE_LEAVE_ALL, "load-" + tag), System.currentTimeMillis(), Duration.ofSeconds(30));
        assertExactlyOnce(watchers, names, Action.PRESENCE_LEAVE_ALL);
    }
}
