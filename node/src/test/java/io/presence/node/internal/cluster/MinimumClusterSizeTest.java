package io.presence.node.internal.cluster;

import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * With min.cluster.size set, the health check tells a load balancer to stop sending clients to a
 * node that sees fewer members (cut off from the others), and to send them again once it does.
 */
@Tag("in-jvm")
class MinimumClusterSizeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestCluster cluster;

    @AfterEach
    void stop() {
        cluster.close();
    }

    private int health(int node) throws IOException, InterruptedException {
        return NodeHttp.healthCode(cluster.node(node).port());
    }

    @Test
    void aNodeSeeingFewerMembersThanTheMinimumAnswers503UntilOneJoins() {
        cluster = TestCluster.start(2, Map.of("min.cluster.size", "2"));
        await().atMost(WAIT).until(() -> health(0) == 200 && health(1) == 200);

        cluster.crash(1);
        await().atMost(WAIT).until(() -> health(0) == 503);

        cluster.startNodeAsync().join();
        await().atMost(WAIT).until(() -> health(0) == 200 && health(2) == 200);
    }
}
