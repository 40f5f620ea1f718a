package io.presence.bench;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code steady}: logins at --rate a second on the login node, a subscriber on another; the
 * latency from each AUTH sent to its join at the subscriber.
 */
final class SteadyScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        int rate = bench.integer("rate", 2000);
        URI loginNode = bench.node(bench.integer("login-node", 0));
        Subscriber subscriber = bench.subscriber(bench.node(bench.integer("subscriber-node", Math.min(1, bench.nodes().size() - 1))));
        List<BenchConnection> connections = bench.openAll(loginNode, users);
        List<String> names = bench.names(users);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram latency = Report.histogram();
        subscriber.onJoin = name -> {
            Long sent = sentAt.get(name);
            if (sent != null) {
                synchronized (latency) {
                    latency.recordValue((System.nanoTime() - sent) / 1000);
                }
            }
        };
        List<ProcessStats> before = bench.stats();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long timer = bench.vertx.setPeriodic(5, id -> {
            long due = Math.min(users, (System.nanoTime() - start) * rate / 1_000_000_000L);
            for (long i = next.get(); i < due; i++) {
                int n = (int) i;
                sentAt.put(names.get(n), System.nanoTime());
                connections.get(n).login(names.get(n));
            }
            next.set(Math.max(next.get(), due));
        });
        subscriber.awaitJoins(users);
        bench.vertx.cancelTimer(timer);
        List<ProcessStats> after = bench.stats();
        Report report = bench.report;
        report.put("rate_per_second", rate);
        report.putLatency("login_to_notification_ms", latency);
        report.putServerCost(before, after, users, "login");
        subscriber.putEventCounts(users, report);
        bench.closeAll(connections);
    }
}
