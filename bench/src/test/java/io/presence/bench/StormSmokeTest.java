package io.presence.bench;

import io.presence.node.support.ProcessCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reconnect storm with tiny numbers against three real node processes, one of them killed. */
@Tag("process")
class StormSmokeTest {

    @Test
    void everyClientOfAKilledNodeLeavesAndComesBackOnceAndEverySurvivorListsThem() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ProcessCluster cluster = ProcessCluster.start(3, BenchSettings.node())) {
            cluster.awaitOneCluster(vertx, vertx.createWebSocketClient());
            StringBuilder nodes = new StringBuilder();
            StringBuilder pids = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                nodes.append(i == 0 ? "" : ",").append("ws://127.0.0.1:").append(cluster.port(i)).append("/deepstream");
                pids.append(i == 0 ? "" : ",").append(cluster.node(i).pid());
            }
            Map<String, Object> r = LoadGenerator.run(Map.of("scenario", "storm", "users", "30", "login-node", "0",
                    "nodes", nodes.toString(), "pids", pids.toString(), "timeout", "90"));
            assertEquals(0L, r.get("reconnects_failed"));
            for (Object s : (List<?>) r.get("subscribers")) {
                Map<?, ?> heard = (Map<?, ?>) s;
                // a user whose client was back before its node's loss was handled saw no event at all
                assertEquals(0L, heard.get("users_otherwise"), "one leave and one join per user, or nothing: " + heard);
                assertEquals(30L, (Long) heard.get("users_left_and_back_once") + (Long) heard.get("users_with_no_event"));
                assertEquals(0L, heard.get("not_alternating"));
            }
            assertEquals(List.of(30, 30), r.get("getAll_lists_of_the_users_per_survivor"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
