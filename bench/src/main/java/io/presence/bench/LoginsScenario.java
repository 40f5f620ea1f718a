package io.presence.bench;

import io.vertx.core.http.WebSocketClient;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code logins}: a login counted whole, as a client makes it: each one opens its own WebSocket,
 * sends CHALLENGE, then AUTH; --in-flight of them at a time until --users are logged in (what a
 * reconnect storm after a node crash looks like). Several generator processes may share a run
 * (--share i/n, the same --run-id, and --start-at, an epoch millisecond at which all begin).
 * Process 0 also keeps a subscriber to everyone on the login node and measures the time until it
 * had every join, AUTH-to-join latency of its own logins, and the server's CPU and RSS; then
 * --queries sequential getAll() and their CPU; then it writes --done-file, at which every process
 * closes its connections.
 */
final class LoginsScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 10_000);
        int inFlight = bench.integer("in-flight", 50);
        String[] share = bench.options.text("share", "0/1").split("/");
        int me = Integer.parseInt(share[0]);
        int of = Integer.parseInt(share[1]);
        URI node = bench.node(bench.integer("login-node", 0));
        Path doneFile = Path.of(bench.options.text("done-file", "bench-" + bench.run + ".done"));
        boolean measuring = me == 0;
        List<String> names = bench.names(users);
        List<Integer> mine = new ArrayList<>();
        for (int i = me; i < users; i += of) {
            mine.add(i);
        }

        Subscriber subscriber = measuring ? bench.subscriber(node) : null;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram latency = Report.histogram();
        if (subscriber != null) {
            subscriber.onJoin = name -> {
                Long sent = sentAt.get(name);
                if (sent != null) {
                    synchronized (latency) {
                        latency.recordValue((System.nanoTime() - sent) / 1000);
                    }
                }
            };
        }
        waitUntil(bench, bench.options.text("start-at", ""));
        List<ProcessStats> before = bench.stats();
        long start = System.nanoTime();

        List<BenchConnection> connections = new ArrayList<>(mine.size());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        CompletableFuture<Void> allLoggedIn = new CompletableFuture<>();
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int k = next.getAndIncrement();
            if (k >= mine.size()) {
                return;
            }
            String name = names.get(mine.get(k));
            WebSocketClient client = bench.clients.get(k % bench.clients.size());
            BenchConnection.open(client, node)
                    .compose(c -> {
                        sentAt.put(name, System.nanoTime());
                        return c.login(name).map(c);
                    })
                    .onComplete(r -> {
                        if (r.succeeded()) {
                            synchronized (connections) {
                                connections.add(r.result());
                            }
                        } else {
                            failed.incrementAndGet();
                        }
                        if (done.incrementAndGet() == mine.size()) {
                            allLoggedIn.complete(null);
                        }
                        launch[0].run();
                    });
        };
        for (int i = 0; i < Math.min(inFlight, mine.size()); i++) {
            launch[0].run();
        }
        bench.await(allLoggedIn);
        long myLoginsDone = System.nanoTime() - start;
        Report report = bench.report;
        report.put("logins_by_this_process", mine.size());
        report.put("logins_failed", failed.get());
        report.put("ms_until_this_process_had_logged_in_all", myLoginsDone / 1e6);

        if (subscriber != null) {
            subscriber.awaitJoins(users);
            long allJoined = subscriber.lastJoinAt - start;
            List<ProcessStats> afterLogins = bench.stats();
            report.put("time_until_subscriber_had_every_join_ms", allJoined / 1e6);
            report.put("logins_per_second_until_subscriber_had_all", users / (allJoined / 1e9));
            report.putLatency("auth_to_subscriber_join_ms", latency);
            report.putServerCost(before, afterLogins, users, "login");
            subscriber.putEventCounts(users, report);
            queries(bench, subscriber, users);
            Files.writeString(doneFile, "done\n");
        } else {
            while (!Files.exists(doneFile)) {
                bench.checkDeadline();
                Thread.sleep(20);
            }
        }
        bench.closeAll(connections);
    }

    /**
     * Once every user is online, from the subscriber, one at a time: --queries getAll(), then
     * --small-queries getAll(names) of --small-query-names names each; latency and server CPU.
     */
    private static void queries(Bench bench, Subscriber subscriber, int users) {
        List<String> names = bench.names(users);
        int everyone = bench.integer("queries", 200);
        measureQueries(bench, "getAll", everyone, i -> {
            int answered = subscriber.queryAll();
            if (answered < users) {
                throw new IllegalStateException("getAll() listed " + answered + " of " + users + " users");
            }
        });
        int some = bench.integer("small-queries", 2000);
        int k = Math.min(users, bench.integer("small-query-names", 10));
        measureQueries(bench, "getAll_" + k + "_names", some, i -> {
            List<String> ask = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                ask.add(names.get((i * 31 + j) % users));
            }
            subscriber.query(ask);
        });
    }

    private interface Query {
        void ask(int i);
    }

    private static void measureQueries(Bench bench, String name, int count, Query query) {
        Histogram latency = Report.histogram();
        List<ProcessStats> before = bench.stats();
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            query.ask(i);
            latency.recordValue((System.nanoTime() - t) / 1000);
        }
        List<ProcessStats> after = bench.stats();
        bench.report.putLatency(name + "_ms", latency);
        if (!before.isEmpty()) {
            long cpu = 0;
            for (int i = 0; i < before.size(); i++) {
                cpu += after.get(i).cpuMillis() - before.get(i).cpuMillis();
            }
            bench.report.put(name + "_server_cpu_ms", cpu);
            bench.report.put(name + "_server_cpu_ms_per_query", count == 0 ? 0 : (double) cpu / count);
        }
    }

    private static void waitUntil(Bench bench, String epochMillis) throws InterruptedException {
        if (epochMillis.isBlank()) {
            return;
        }
        long at = Long.parseLong(epochMillis);
        while (Instant.now().toEpochMilli() < at) {
            bench.checkDeadline();
            Thread.sleep(Math.min(50, Math.max(1, at - Instant.now().toEpochMilli())));
        }
    }

    @Override
    public int sourceAddresses(Options options) {
        // a connection per login: spread the ephemeral ports over a few addresses
        return 4;
    }

}
