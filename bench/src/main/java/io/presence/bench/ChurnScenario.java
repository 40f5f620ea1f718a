package io.presence.bench;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code churn}: random logins (a new connection on the user's node) and logouts (closing it) of
 * --users names at --rate transitions a second for --duration s, with a subscriber on every node.
 * Then checks each subscriber: its events for each user must alternate and end in the truth. A
 * transition the cluster collapsed (a login and its logout before either was recorded) is no
 * event at all.
 */
final class ChurnScenario implements Scenario {

    @Override
    public int sourceAddresses(Options options) {
        // --rate/2 new connections a second for --duration s: spread them over 8 addresses
        return 8;
    }

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        int rate = bench.integer("rate", 5000);
        int seconds = bench.integer("duration", 60);
        List<Subscriber> subscribers = new ArrayList<>();
        for (var node : bench.nodes()) {
            subscribers.add(bench.subscriber(node));
        }
        List<String> names = bench.names(users);
        // written by the timer and by connection callbacks, which run on other event loops
        AtomicReferenceArray<BenchConnection> connection = new AtomicReferenceArray<>(users);
        AtomicIntegerArray busy = new AtomicIntegerArray(users);
        SplittableRandom random = new SplittableRandom(42);
        AtomicLong issued = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong opened = new AtomicLong();
        AtomicLong loggedIn = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLong closed = new AtomicLong();
        List<ProcessStats> before = bench.stats();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        CompletableFuture<Void> finished = new CompletableFuture<>();
        bench.vertx.setPeriodic(5, id -> {
            long now = System.nanoTime();
            if (now >= end) {
                bench.vertx.cancelTimer(id);
                finished.complete(null);
                return;
            }
            long due = (now - start) * rate / 1_000_000_000L;
            for (long n = issued.get(); n < due; n++) {
                issued.incrementAndGet();
                int u = pickIdle(random, busy, users);
                if (u < 0) {
                    skipped.incrementAndGet();
                    continue;
                }
                busy.set(u, 1);
                if (connection.get(u) == null) {
                    long index = opened.getAndIncrement();
                    BenchConnection.open(bench.clients.get((int) (index % bench.clients.size())), bench.node(u % bench.nodes().size()))
                            .compose(c -> c.login(names.get(u)).map(c))
                            .onComplete(r -> {
                                if (r.succeeded()) {
                                    loggedIn.incrementAndGet();
                                    connection.set(u, r.result());
                                } else {
                                    failed.incrementAndGet();
                                }
                                busy.set(u, 0);
                            });
                } else {
                    BenchConnection c = connection.getAndSet(u, null);
                    closed.incrementAndGet();
                    c.close().onComplete(r -> busy.set(u, 0));
                }
            }
        });
        bench.await(finished);
        long elapsed = System.nanoTime() - start;
        Map<String, Boolean> expected = bench.await(truthOnceSettled(bench, busy, connection, names));
        awaitQuietAgreement(bench, subscribers, expected);
        List<ProcessStats> after = bench.stats();
        Report report = bench.report;
        report.put("rate_per_second", rate);
        long transitions = loggedIn.get() + closed.get();
        report.put("transitions", transitions);
        report.put("transitions_per_second", transitions / (elapsed / 1e9));
        report.put("skipped_all_picked_users_busy", skipped.get());
        report.put("logins", loggedIn.get());
        report.put("logouts", closed.get());
        report.put("logins_failed", failed.get());
        List<Map<String, Object>> perNode = new ArrayList<>();
        for (Subscriber sub : subscribers) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("events", sub.events.get());
            r.put("not_alternating", sub.notAlternating.get());
            r.put("final_state_wrong", expected.entrySet().stream()
                    .filter(e -> !e.getValue().equals(sub.heardOnline.getOrDefault(e.getKey(), false))).count());
            perNode.add(r);
        }
        report.put("subscribers", perNode);
        report.putServerCost(before, after, transitions, "transition");
        List<BenchConnection> open = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            if (connection.get(u) != null) {
                open.add(connection.get(u));
            }
        }
        bench.closeAll(open);
    }

    /** A random user with nothing in flight, or -1 after 16 tries. */
    private static int pickIdle(SplittableRandom random, AtomicIntegerArray busy, int users) {
        for (int attempt = 0; attempt < 16; attempt++) {
            int candidate = random.nextInt(users);
            if (busy.get(candidate) == 0) {
                return candidate;
            }
        }
        return -1;
    }

    /** Once nothing is in flight, who is connected: read on a timer of the client's event loops. */
    private static Future<Map<String, Boolean>> truthOnceSettled(Bench bench, AtomicIntegerArray busy,
                                                                AtomicReferenceArray<BenchConnection> connection, List<String> names) {
        CompletableFuture<Map<String, Boolean>> truth = new CompletableFuture<>();
        bench.vertx.setPeriodic(50, id -> {
            for (int u = 0; u < names.size(); u++) {
                if (busy.get(u) != 0) {
                    return;
                }
            }
            bench.vertx.cancelTimer(id);
            Map<String, Boolean> online = new HashMap<>();
            for (int u = 0; u < names.size(); u++) {
                online.put(names.get(u), connection.get(u) != null);
            }
            truth.complete(online);
        });
        return Future.fromCompletionStage(truth);
    }

    /**
     * Settled: every subscriber agrees with the truth and has heard nothing new for 500 ms (a join
     * and its leave may both still be on their way to a subscriber that "agrees"). At most 30 s.
     */
    private static void awaitQuietAgreement(Bench bench, List<Subscriber> subscribers, Map<String, Boolean> truth)
            throws InterruptedException {
        long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long quietSince = System.nanoTime();
        long heard = -1;
        while (System.nanoTime() < settleDeadline) {
            bench.checkDeadline();
            long now = subscribers.stream().mapToLong(sub -> sub.events.get()).sum();
            if (now != heard) {
                heard = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(500)
                    && subscribers.stream().allMatch(sub -> sub.agrees(truth))) {
                return;
            }
            Thread.sleep(50);
        }
    }
}
