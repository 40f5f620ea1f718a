package io.presence.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code query}: --users online over the nodes, then --queriers clients alternately asking
 * getAll() and getAll(--query-names names), each waiting for its answer, for --duration s.
 */
final class QueryScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        int queriers = bench.integer("queriers", 50);
        int k = bench.integer("query-names", 100);
        int seconds = bench.integer("duration", 10);
        List<BenchConnection> online = bench.openAndLogIn(bench.nodes(), users);
        List<String> names = bench.names(users);
        Subscriber probe = bench.subscriber(bench.node(0));
        while (probe.queryAll() < users) {
            bench.checkDeadline();
        }
        List<Subscriber> askers = new ArrayList<>();
        for (int i = 0; i < queriers; i++) {
            askers.add(bench.subscriber(bench.node(i % bench.nodes().size())));
        }
        Histogram all = Report.histogram();
        Histogram some = Report.histogram();
        List<ProcessStats> before = bench.stats();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        AtomicLong queries = new AtomicLong();
        for (int q = 0; q < queriers; q++) {
            Subscriber asker = askers.get(q);
            int offset = q;
            Thread t = new Thread(() -> {
                int round = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (round++ % 2 == 0) {
                        asker.queryAll();
                        record(all, t0);
                    } else {
                        List<String> ask = new ArrayList<>(k);
                        for (int i = 0; i < k; i++) {
                            ask.add(names.get((offset * 7919 + round * 31 + i) % users));
                        }
                        asker.query(ask);
                        record(some, t0);
                    }
                    queries.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(seconds + 60));
        }
        List<ProcessStats> after = bench.stats();
        Report report = bench.report;
        report.put("queriers", queriers);
        report.put("queries", queries.get());
        report.putLatency("getAll_ms", all);
        report.putLatency("getAll_" + k + "_names_ms", some);
        report.putServerCost(before, after, queries.get(), "query");
        bench.closeAll(online);
    }

    private static void record(Histogram h, long startNanos) {
        synchronized (h) {
            h.recordValue((System.nanoTime() - startNanos) / 1000);
        }
    }
}
