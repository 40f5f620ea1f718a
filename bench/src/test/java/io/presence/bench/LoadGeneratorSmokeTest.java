package io.presence.bench;

import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator with tiny numbers against two real in-process nodes: it runs, and nothing is lost. */
@Tag("in-jvm")
class LoadGeneratorSmokeTest {

    private static TestCluster cluster;
    private static String nodes;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(2, BenchSettings.node());
        nodes = "ws://127.0.0.1:" + cluster.node(0).port() + "/deepstream,ws://127.0.0.1:" + cluster.node(1).port() + "/deepstream";
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Map<String, Object> run(String... pairs) throws Exception {
        Map<String, String> options = new java.util.HashMap<>(Map.of("nodes", nodes, "timeout", "60",
                "pids", String.valueOf(ProcessHandle.current().pid())));
        for (int i = 0; i < pairs.length; i += 2) {
            options.put(pairs[i], pairs[i + 1]);
        }
        return LoadGenerator.run(options);
    }

    @Test
    void burstDeliversEveryJoinOnceAndMeasuresServerCost() throws Exception {
        Map<String, Object> r = run("scenario", "burst", "users", "60", "subscriber-node", "1");
        assertEquals(0, r.get("joins_missed"));
        assertEquals(0L, r.get("joins_duplicated"));
        assertTrue((Double) r.get("time_until_subscriber_had_every_join_ms") > 0);
        assertTrue(r.containsKey("server_cpu_ms_per_login"));
        assertEquals(20L, ((Map<?, ?>) r.get("getAll_ms")).get("count"));
    }

    @Test
    void loginsCountedWholeReachTheSubscriberAndQueriesSeeThemAll() throws Exception {
        Map<String, Object> r = run("scenario", "logins", "users", "60", "in-flight", "7",
                "queries", "5", "small-queries", "20", "small-query-names", "10",
                "done-file", java.nio.file.Files.createTempDirectory("bench").resolve("done").toString());
        assertEquals(0, r.get("joins_missed"));
        assertEquals(0L, r.get("joins_duplicated"));
        assertEquals(0L, r.get("logins_failed"));
        assertEquals(60L, ((Map<?, ?>) r.get("auth_to_subscriber_join_ms")).get("count"), "every login's latency");
        assertEquals(5L, ((Map<?, ?>) r.get("getAll_ms")).get("count"));
        assertEquals(20L, ((Map<?, ?>) r.get("getAll_10_names_ms")).get("count"));
        assertTrue(r.containsKey("getAll_server_cpu_ms_per_query"));
    }

    @Test
    void fanoutTellsEverySubscriberEveryJoinAndLeaveOnce() throws Exception {
        Map<String, Object> r = run("scenario", "fanout", "subscribers", "20", "users", "15", "rate", "50");
        assertEquals(600L, r.get("events_expected"), "20 subscribers, 15 joins and 15 leaves each");
        assertEquals(600L, r.get("events_delivered"));
        assertEquals(0L, r.get("events_missing"));
        assertEquals(0L, r.get("events_duplicated"));
        assertEquals(300L, ((Map<?, ?>) r.get("auth_to_join_ms")).get("count"));
        assertEquals(300L, ((Map<?, ?>) r.get("close_to_leave_ms")).get("count"));
        assertTrue((Double) r.get("server_cpu_us_per_event") > 0);
    }

    @Test
    void steadyRateMeasuresCrossNodeLatency() throws Exception {
        Map<String, Object> r = run("scenario", "steady", "users", "50", "rate", "200");
        assertEquals(0, r.get("joins_missed"));
        assertEquals(50L, ((Map<?, ?>) r.get("login_to_notification_ms")).get("count"));
    }

    @Test
    void queriesAreAnsweredUnderConcurrency() throws Exception {
        Map<String, Object> r = run("scenario", "query", "users", "40", "queriers", "3", "query-names", "10", "duration", "1");
        assertTrue((Long) r.get("queries") > 0);
        assertTrue((Long) ((Map<?, ?>) r.get("getAll_ms")).get("count") > 0);
        assertTrue((Long) ((Map<?, ?>) r.get("getAll_10_names_ms")).get("count") > 0);
    }

    @Test
    void churnEndsWithEverySubscriberAgreeingWithTheTruth() throws Exception {
        Map<String, Object> r = run("scenario", "churn", "users", "40", "rate", "100", "duration", "2");
        assertTrue((Long) r.get("transitions") >= 100, "about 200 transitions asked for");
        assertEquals(0L, r.get("logins_failed"));
        List<?> subscribers = (List<?>) r.get("subscribers");
        assertEquals(2, subscribers.size(), "one per node");
        for (Object s : subscribers) {
            Map<?, ?> heard = (Map<?, ?>) s;
            long transitions = (Long) r.get("transitions");
            long events = ((Number) heard.get("events")).longValue();
            // a login and its logout recorded together are no event at all (ChurnScenario): a
            // collapse takes away a whole pair, and at this pace only a few, however loaded the machine
            assertTrue(events <= transitions, "never more events than transitions");
            assertEquals(0, (transitions - events) % 2, "collapses remove pairs, never one half of one");
            assertTrue(events >= transitions * 9 / 10, "collapses are rare at this pace: " + events + " of " + transitions);
            assertEquals(0L, heard.get("not_alternating"));
            assertEquals(0L, heard.get("final_state_wrong"));
        }
    }
}
