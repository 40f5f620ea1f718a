package io.presence.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presence.node.support.InJvmNodes;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator reads off a node over HTTP: Prometheus figures that move with real logins,
 * readiness through start, a cluster below its minimum size and a drain, and the live page's
 * figures. Real nodes, real WebSockets, real HTTP.
 */
@Tag("in-jvm")
class OperationsTest {

    @RegisterExtension
    final InJvmNodes nodes = InJvmNodes.startedByTheTest();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theFiguresMoveWithRealLoginsQueriesErrorsAndLogouts() {
        nodes.start(2);
        int port = nodes.cluster().node(0).port();
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        Scrape before = Scrape.of(port);

        List<TestClient> users = new ArrayList<>();
        List<String> names = List.of("user-0-" + tag, "user-1-" + tag, "user-2-" + tag, "elsewhere-" + tag);
        for (int i = 0; i < 3; i++) {
            users.add(nodes.clients().login(0, names.get(i)));
        }
        users.add(nodes.clients().login(1, names.get(3), Endpoint.JSON));
        nodes.clients().login(0, null, Endpoint.JSON);
        names.forEach(name -> watcher.expect(presence(Action.PRESENCE_JOIN_ALL, name)));

        await().atMost(WAIT).untilAsserted(() -> {
            Scrape now = Scrape.of(port);
            assertEquals(3, now.value("presence_logins_total", "kind", "named") - before.value("presence_logins_total", "kind", "named"));
            assertEquals(1, now.value("presence_logins_total", "kind", "anonymous") - before.value("presence_logins_total", "kind", "anonymous"));
            assertEquals(4, now.value("presence_connections_open", "endpoint", "binary"));
            assertEquals(1, now.value("presence_connections_open", "endpoint", "json"));
            assertEquals(4, now.value("presence_sessions", "state", "named"));
            assertEquals(1, now.value("presence_sessions", "state", "anonymous"));
            assertEquals(4, now.value("presence_users_here"));
            assertEquals(5, now.value("presence_cluster_users_online"), "the user on node 1 counts cluster-wide");
            assertEquals(4, now.value("presence_events_sent_total", "event", "online", "subscription", "everyone")
                    - before.value("presence_events_sent_total", "event", "online", "subscription", "everyone"));
            assertTrue(now.value("presence_notification_lag_seconds_count") >= 4, "each notification's lag recorded");
            assertEquals(4, now.value("presence_messages_received_total", "topic", "AUTH", "action", "REQUEST")
                    - before.value("presence_messages_received_total", "topic", "AUTH", "action", "REQUEST"));
            assertEquals(2, now.value("presence_cluster_members"));
            assertEquals(1, now.value("presence_subscriptions"));
        });

        watcher.queryAll();
        watcher.send(PresenceMessage.request(Action.SUBSCRIBE, "bad", List.of()));
        watcher.expect(m -> m instanceof PresenceMessage p && p.action() == Action.INVALID_PRESENCE_USERS);
        users.subList(0, 3).forEach(TestClient::close);
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape now = Scrape.of(port);
            assertEquals(1, now.value("presence_query_duration_seconds_count", "kind", "all")
                    - before.value("presence_query_duration_seconds_count", "kind", "all"));
            assertEquals(4, now.value("presence_query_answer_names_sum") - before.value("presence_query_answer_names_sum"),
                    "the getAll answered four names (never the asker)");
            assertEquals(1, now.value("presence_errors_sent_total", "topic", "PRESENCE", "error", "INVALID_PRESENCE_USERS")
                    - before.value("presence_errors_sent_total", "topic", "PRESENCE", "error", "INVALID_PRESENCE_USERS"));
            assertEquals(3, now.value("presence_logouts_total") - before.value("presence_logouts_total"));
            assertEquals(3, now.value("presence_events_sent_total", "event", "offline", "subscription", "everyone")
                    - before.value("presence_events_sent_total", "event", "offline", "subscription", "everyone"));
            assertEquals(3, now.value("presence_cluster_transitions_total", "to", "offline")
                    - before.value("presence_cluster_transitions_total", "to", "offline"));
            assertEquals(1, now.value("presence_users_here"));
        });
    }

    @Test
    void everyFigureIsDescribedAndTheJvmProcessAndVertxAreThere() {
        nodes.start(1);
        nodes.clients().login(0, "someone-" + UUID.randomUUID());
        HttpResponse<String> response = NodeHttp.get(nodes.cluster().node(0).port(), "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        Scrape scrape = new Scrape(response.body());
        Set<String> families = scrape.families("presence_");
        assertTrue(families.size() >= 15, "presence figures: " + families);
        for (String family : families) {
            assertFalse(scrape.help(family).isBlank(), family + " has a description");
        }
        for (String expected : List.of("jvm_memory_used_bytes", "jvm_classes_loaded_classes", "jvm_threads_live_threads",
                "process_cpu_usage", "process_uptime_seconds", "process_files_open_files", "vertx_pool_in_use")) {
            assertTrue(response.body().contains("\n" + expected), expected + " is scraped");
        }
    }

    @Test
    void readinessSaysWhyNotAndADrainTurnsItAwayWhileClientsStayUntilTheDelayEnds() {
        nodes.start(2, Map.of("min.cluster.size", "2", "drain.delay.ms", "1500"));
        int port = nodes.cluster().node(0).port();
        assertEquals(200, NodeHttp.get(port, "/ready").statusCode());
        nodes.cluster().crash(1);
        await().atMost(WAIT).until(() -> NodeHttp.get(port, "/ready").statusCode() == 503);
        String alone = NodeHttp.get(port, "/ready").body();
        assertTrue(alone.contains("fewer than min.cluster.size 2"), alone);

        nodes.cluster().startNodeAsync().join();
        await().atMost(WAIT).until(() -> NodeHttp.get(port, "/ready").statusCode() == 200);
        TestClient connected = nodes.clients().login(0, "stays-" + UUID.randomUUID());

        HttpResponse<String> proxied = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .header("X-Forwarded-For", "198.51.100.7").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(403, proxied.statusCode(), "a drain through a proxy is not from this host");
        assertEquals(200, NodeHttp.get(port, "/ready").statusCode());

        long stopAsked = System.nanoTime();
        CompletableFuture<Void> stopped = nodes.cluster().node(0).stop();
        await().atMost(WAIT).until(() -> NodeHttp.get(port, "/ready").statusCode() == 503);
        assertTrue(NodeHttp.get(port, "/ready").body().contains("draining"));
        assertEquals(200, NodeHttp.get(port, "/health-check").statusCode(), "draining is alive");
        connected.roundTrip();
        assertFalse(connected.isClosed(), "nodes.clients() stay while the load balancer catches up");
        connected.awaitClosed();
        assertTrue((System.nanoTime() - stopAsked) / 1_000_000 >= 1500, "closed only once the drain delay ended");
        stopped.join();
    }

    @Test
    void aDrainFromThisHostAnswersOnceTheDelayHasPassed() {
        nodes.start(1, Map.of("drain.delay.ms", "800"));
        int port = nodes.cluster().node(0).port();
        long asked = System.nanoTime();
        HttpResponse<String> drained = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, drained.statusCode());
        assertTrue((System.nanoTime() - asked) / 1_000_000 >= 800, "a pre-stop hook returns when the delay is over");
        assertEquals(503, NodeHttp.get(port, "/ready").statusCode());
    }

    @Test
    void withADrainTokenOnlyItsHolderDrainsEvenFromLoopbackAndCanEndTheDrain() {
        String token = "drain-" + UUID.randomUUID();
        nodes.start(1, Map.of("drain.token", token));
        int port = nodes.cluster().node(0).port();
        // a sidecar or local proxy connects from loopback without forwarding headers: no longer enough
        HttpResponse<String> loopback = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(401, loopback.statusCode(), loopback.body());
        HttpResponse<String> wrong = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .header("Authorization", "Bearer " + token + "x").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertEquals(200, NodeHttp.get(port, "/ready").statusCode());

        HttpResponse<String> drained = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, drained.statusCode(), drained.body());
        assertEquals(503, NodeHttp.get(port, "/ready").statusCode());

        HttpResponse<String> notHolder = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .DELETE().build());
        assertEquals(401, notHolder.statusCode(), notHolder.body());
        assertEquals(503, NodeHttp.get(port, "/ready").statusCode());
        HttpResponse<String> resumed = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain"))
                .header("Authorization", "Bearer " + token).DELETE().build());
        assertEquals(200, resumed.statusCode(), resumed.body());
        assertEquals(200, NodeHttp.get(port, "/ready").statusCode(), "a drain over HTTP can be taken back");
    }

    @Test
    void aDrainFromThisHostCanBeEndedButAStopsDrainCannot() {
        nodes.start(1, Map.of("drain.delay.ms", "2000"));
        int port = nodes.cluster().node(0).port();
        NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(503, NodeHttp.get(port, "/ready").statusCode());
        assertEquals(200, NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain")).DELETE().build()).statusCode());
        assertEquals(200, NodeHttp.get(port, "/ready").statusCode());

        CompletableFuture<Void> stopped = nodes.cluster().node(0).stop();
        await().atMost(WAIT).until(() -> NodeHttp.get(port, "/ready").statusCode() == 503);
        HttpResponse<String> resume = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/drain")).DELETE().build());
        assertEquals(409, resume.statusCode(), resume.body());
        assertEquals(503, NodeHttp.get(port, "/ready").statusCode());
        stopped.join();
    }

    @Test
    void theLivePageFiguresListEveryMemberWithItsConnectionsAndTheLoginsPerSecond() throws Exception {
        nodes.start(2);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        nodes.clients().login(0, "a-" + tag);
        nodes.clients().login(1, "b-" + tag);
        nodes.clients().login(1, "c-" + tag);
        int port = nodes.cluster().node(0).port();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode status = JSON.readTree(NodeHttp.get(port, "/status").body());
            assertEquals(3, status.get("online").asInt());
            assertEquals("/deepstream-json", status.get("jsonPath").asText());
            JsonNode members = status.get("members");
            assertEquals(2, members.size());
            int connections = 0;
            for (JsonNode member : members) {
                assertFalse(member.get("stale").asBoolean(), member.toString());
                assertTrue(member.get("figures").get("ready").asBoolean());
                connections += member.get("figures").get("connections").asInt();
            }
            assertEquals(3, connections);
            int logins = 0;
            for (JsonNode second : status.get("activity").get("logins")) {
                logins += second.asInt();
            }
            assertEquals(3, logins);
        });
    }

    /** One scrape of /metrics, read as Prometheus's text format. */
    private record Scrape(String text) {

        static Scrape of(int port) {
            HttpResponse<String> response = NodeHttp.get(port, "/metrics");
            assertEquals(200, response.statusCode());
            return new Scrape(response.body());
        }

        /** The sum of the samples of {@code name} whose labels include each of {@code labels} (name, value, ...). */
        double value(String name, String... labels) {
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                    continue;
                }
                boolean matches = true;
                for (int i = 0; i < labels.length; i += 2) {
                    matches &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
                }
                if (matches) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        Set<String> families(String prefix) {
            Set<String> families = new HashSet<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE " + prefix)) {
                    families.add(line.split(" ")[2]);
                }
            }
            return families;
        }

        String help(String family) {
            for (String line : text.split("\n")) {
                if (line.startsWith("# HELP " + family + " ")) {
                    return line.substring(("# HELP " + family + " ").length());
                }
            }
            return "";
        }
    }
}
