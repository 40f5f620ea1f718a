package io.presence.node.process;

import io.presence.node.support.NodeHttp;
import io.presence.node.support.ProcessCluster;
import io.presence.node.support.ShiftedClock;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose clock runs two minutes ahead (started under Debian's faketime) joins a cluster of
 * two: the transitions its clients cause are dated by the cluster's clock, not by the node's, so
 * the times every node answers ({@code since}, {@code lastSeen}) are the real ones, and no version
 * lies in the future (which, once the user's tombstone expired, made every view drop the user's
 * later logins).
 */
@Tag("process")
class ClockSkewTest {

    private static final long AHEAD_MILLIS = 120_000;
    /** How far a date may be from the real time when it was taken: the cluster clock's own error. */
    private static final long SLACK_MILLIS = 3_000;

    private Vertx vertx;
    private WebSocketClient ws;
    private ProcessCluster cluster;

    @BeforeEach
    void setUp() {
        ShiftedClock.assumeInstalled();
        vertx = Vertx.vertx();
        ws = TestClient.sharedClient(vertx);
    }

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private JsonObject user(int node, String name) {
        HttpResponse<String> response = NodeHttp.get(cluster.port(node), "/api/presence/" + name);
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private static void assertRealTime(long millis, long before, long after, String what) {
        assertTrue(millis >= before - SLACK_MILLIS && millis <= after + SLACK_MILLIS,
                what + " " + millis + " is " + (millis - after) + " ms after the real time it happened ("
                        + before + " to " + after + ")");
    }

    @Test
    void aNodeWhoseClockRunsAheadDatesNothingInTheFuture() {
        // the two with true clocks first: the cluster's clock is its oldest member's
        cluster = ProcessCluster.start(2, Map.of());
        cluster.awaitOneCluster(vertx, ws);
        cluster.addNode(ShiftedClock.ahead(Duration.ofMillis(AHEAD_MILLIS)));
        cluster.awaitOneCluster(vertx, ws);
        long skew = loggedTimeAhead(cluster.node(2).logLines());
        assertTrue(skew > AHEAD_MILLIS - 10_000, "node 2 runs ahead: its log is " + skew + " ms ahead");

        String tag = UUID.randomUUID().toString().substring(0, 6);
        String name = "skewed-" + tag;
        try (TestClient watcher = TestClient.loggedIn(ws, cluster.port(0), Endpoint.BINARY, "watcher-" + tag)) {
            watcher.subscribeAll();
            long loginBefore = System.currentTimeMillis();
            TestClient client = TestClient.loggedIn(ws, cluster.port(2), Endpoint.BINARY, name);
            watcher.expect(TestClient.presence(Action.PRESENCE_JOIN_ALL, name));
            long loginAfter = System.currentTimeMillis();
            for (int node = 0; node < 3; node++) {
                JsonObject online = user(node, name);
                assertTrue(online.getBoolean("online"));
                assertRealTime(online.getLong("since"), loginBefore, loginAfter, "node " + node + ": online since");
            }

            long logoutBefore = System.currentTimeMillis();
            client.close();
            watcher.expect(TestClient.presence(Action.PRESENCE_LEAVE_ALL, name));
            long logoutAfter = System.currentTimeMillis();
            await().atMost(TestClient.WAIT).until(() -> user(1, name).getValue("lastSeen") != null);
            JsonObject offline = user(1, name);
            assertFalse(offline.getBoolean("online"));
            assertRealTime(offline.getLong("since"), logoutBefore, logoutAfter, "offline since");
            assertRealTime(offline.getLong("lastSeen"), logoutBefore, logoutAfter, "last seen");

            // and the user's next login, through a node with a true clock, is one more transition
            try (TestClient again = TestClient.loggedIn(ws, cluster.port(0), Endpoint.BINARY, name)) {
                watcher.expect(TestClient.presence(Action.PRESENCE_JOIN_ALL, name));
                assertTrue(user(2, name).getBoolean("online"));
            }
        }
    }

    /** How far the newest timestamped line of a node's log is ahead of now. */
    private static long loggedTimeAhead(List<String> lines) {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (line.length() > 23 && Character.isDigit(line.charAt(0))) {
                try {
                    long at = LocalDateTime.parse(line.substring(0, 23), format).atZone(ZoneId.systemDefault())
                            .toInstant().toEpochMilli();
                    return at - System.currentTimeMillis();
                } catch (RuntimeException e) {
                    // not a log line's start: try the previous one
                }
            }
        }
        return 0;
    }
}
