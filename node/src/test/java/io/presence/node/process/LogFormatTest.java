package io.presence.node.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presence.node.support.NodeProcess;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node process with log.format=json writes one JSON object a line, its own lines and
 * Hazelcast's alike, says what an operator needs at INFO (start-up, members, the drain on
 * SIGTERM) and writes no line per login there, and never auth data.
 */
@Tag("process")
class LogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx = Vertx.vertx();
    private NodeProcess node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void jsonLinesFromEveryLibraryWithStartUpMembershipAndDrainButNoLoginsAndNoSecrets() throws Exception {
        int port = TestCluster.freePort();
        // assigned before the wait, so that a node that never gets healthy is still ended
        node = NodeProcess.start("json-log", port, "log-test-" + UUID.randomUUID(), 5961, Map.of("log.format", "json"));
        node.awaitHealthy();
        String secret = "pw-" + UUID.randomUUID();
        List<TestClient> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestClient c = TestClient.connect(vertx, port, TestClient.Endpoint.JSON);
            c.handshake();
            c.authenticate("{\"username\":\"logger-" + i + "\",\"password\":\"" + secret + "\"}");
            users.add(c);
        }
        users.forEach(TestClient::close);
        node.terminate();
        node.awaitExit(Duration.ofSeconds(30));

        List<JsonNode> records = new ArrayList<>();
        for (String line : node.logLines()) {
            if (!line.isBlank()) {
                JsonNode record = JSON.readTree(line); // throws on a line that is not JSON
                assertTrue(record.has("@timestamp") && record.has("level") && record.has("logger_name")
                        && record.has("message"), line);
                records.add(record);
            }
        }
        assertTrue(records.stream().anyMatch(r -> r.get("message").asText().contains("presence node serving")),
                "start-up is logged");
        assertTrue(records.stream().anyMatch(r -> r.get("message").asText().startsWith("settings: ")
                && r.get("message").asText().contains("min.cluster.size")), "and what it started with");
        assertTrue(records.stream().anyMatch(r -> r.get("logger_name").asText().startsWith("com.hazelcast")
                && r.get("message").asText().contains("Members {size:1")), "Hazelcast's member list, through SLF4J");
        assertTrue(records.stream().anyMatch(r -> r.get("message").asText().startsWith("draining")), "the drain on SIGTERM");
        assertFalse(records.stream().anyMatch(r -> r.get("message").asText().contains("logger-")),
                "no line per login: " + records);
        assertFalse(node.logLines().stream().anyMatch(l -> l.contains(secret)), "auth data is never logged");
    }
}
