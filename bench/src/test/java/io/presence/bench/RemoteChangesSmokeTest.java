package io.presence.bench;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * remote-changes with tiny numbers against a real in-process node: the node reads the generator's
 * topic messages as its own (the layouts have not drifted apart) and tells its subscriber of each.
 */
@Tag("in-jvm")
class RemoteChangesSmokeTest {

    @Test
    void everyPublishedChangeReachesTheSubscriberInOrder() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, BenchSettings.node())) {
            HazelcastInstance member = cluster.node(0).hazelcast();
            Address address = member.getCluster().getLocalMember().getAddress();
            Map<String, Object> r = LoadGenerator.run(Map.of(
                    "scenario", "remote-changes",
                    "nodes", "ws://127.0.0.1:" + cluster.node(0).port() + "/deepstream",
                    "pids", String.valueOf(ProcessHandle.current().pid()),
                    "hazelcast", address.getHost() + ":" + address.getPort(),
                    "cluster-name", member.getConfig().getClusterName(),
                    "users", "50", "rate", "1000", "duration", "1", "batch", "7",
                    "timeout", "60"));
            assertEquals(1000L, r.get("changes_published"));
            assertEquals(1000L, r.get("events_at_the_subscriber"));
            assertEquals(0L, r.get("events_not_alternating"));
            assertTrue(r.containsKey("server_cpu_ms_per_change"));
        }
    }
}
