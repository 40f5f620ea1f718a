package io.presence.bench;

import io.vertx.core.Future;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code burst}: --users connections are opened and greeted first (not measured), then all log in
 * at once on the login node; one subscriber to everyone on the subscriber node. Measures the time
 * until it has every join, the servers' CPU per login, then getAll() latency.
 */
final class BurstScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        URI loginNode = bench.node(bench.integer("login-node", 0));
        Subscriber subscriber = bench.subscriber(bench.node(bench.integer("subscriber-node", 0)));
        List<BenchConnection> connections = bench.openAll(loginNode, users);
        List<String> names = bench.names(users);
        List<ProcessStats> before = bench.stats();
        long start = System.nanoTime();
        List<Future<Void>> logins = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            logins.add(connections.get(i).login(names.get(i)));
        }
        subscriber.awaitJoins(users);
        long allJoined = System.nanoTime() - start;
        bench.await(Future.all(logins));
        List<ProcessStats> after = bench.stats();
        Report report = bench.report;
        report.put("time_until_subscriber_had_every_join_ms", allJoined / 1_000_000.0);
        report.put("logins_per_second_until_subscriber_had_all", users / (allJoined / 1e9));
        report.putServerCost(before, after, users, "login");
        subscriber.putEventCounts(users, report);
        Histogram getAll = Report.histogram();
        for (int i = 0; i < 20; i++) {
            long t = System.nanoTime();
            subscriber.queryAll();
            getAll.recordValue((System.nanoTime() - t) / 1000);
        }
        report.putLatency("getAll_ms", getAll);
        bench.closeAll(connections);
    }
}
