package io.presence.bench;

import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Future;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code fanout}: what a node spends telling many subscribers. --subscribers connections log in
 * on --login-node and subscribe to everyone; then --users users log in there at --rate a second
 * (each its own WebSocket: CHALLENGE, AUTH) and, once every subscriber has every join, close at
 * that rate. Every subscriber must hear every join and every leave exactly once. Measures the
 * server's CPU per delivered event over both phases, AUTH-to-join and close-to-leave latency at
 * the subscribers, and the events missing or duplicated. The same load as the independent
 * generator's {@code bench/node/fanout.js}.
 */
final class FanoutScenario implements Scenario {

    private final Histogram joinLatency = Report.histogram();
    private final Histogram leaveLatency = Report.histogram();
    private final Map<String, Long> authSentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> closedAt = new ConcurrentHashMap<>();
    private final AtomicLong joins = new AtomicLong();
    private final AtomicLong leaves = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final CompletableFuture<Void> allJoined = new CompletableFuture<>();
    private final CompletableFuture<Void> allLeft = new CompletableFuture<>();
    /** Events of each kind every subscriber together must hear: set before the first login. */
    private volatile long expected = Long.MAX_VALUE;

    @Override
    public void run(Bench bench) throws Exception {
        int subscriberCount = bench.integer("subscribers", 1000);
        int users = bench.integer("users", 300);
        int rate = bench.integer("rate", 100);
        URI node = bench.node(bench.integer("login-node", 0));
        List<String> names = bench.names(users);
        String prefix = bench.userPrefix();

        List<BenchConnection> subscribers = subscribe(bench, node, subscriberCount, prefix);
        expected = (long) subscriberCount * users;
        List<ProcessStats> before = bench.stats();
        long start = System.nanoTime();

        List<Future<BenchConnection>> logins = new ArrayList<>(users);
        paced(bench, users, rate, i -> {
            String name = names.get(i);
            logins.add(BenchConnection.open(bench.clients.get(i % bench.clients.size()), node).compose(c -> {
                authSentAt.put(name, System.nanoTime());
                return c.login(name).map(c);
            }));
        });
        awaitAll(bench, allJoined, joins, "joins");
        List<BenchConnection> online = new ArrayList<>(users);
        for (Future<BenchConnection> login : logins) {
            online.add(bench.await(login));
        }
        paced(bench, users, rate, i -> {
            closedAt.put(names.get(i), System.nanoTime());
            online.get(i).close();
        });
        awaitAll(bench, allLeft, leaves, "leaves");
        long elapsed = System.nanoTime() - start;
        List<ProcessStats> after = bench.stats();

        Report report = bench.report;
        report.put("users", users);
        report.put("subscribers", subscriberCount);
        report.put("rate", rate);
        long delivered = joins.get() + leaves.get();
        report.put("events_expected", 2 * expected);
        report.put("events_delivered", delivered);
        report.put("events_missing", 2 * expected - delivered);
        report.put("events_duplicated", duplicates.get());
        report.put("elapsed_ms", elapsed / 1e6);
        report.putServerCost(before, after, delivered, "event");
        if (!before.isEmpty()) {
            report.put("server_cpu_us_per_event", 1000.0 * (Long) report.results().get("server_cpu_ms") / Math.max(1, delivered));
        }
        report.putLatency("auth_to_join_ms", joinLatency);
        report.putLatency("close_to_leave_ms", leaveLatency);
        bench.closeAll(subscribers);
    }

    /** Opens, logs in and subscribes {@code count} watchers; each keeps the last event per user it heard. */
    private List<BenchConnection> subscribe(Bench bench, URI node, int count, String prefix) throws Exception {
        List<BenchConnection> opened = bench.openAll(node, count);
        List<Future<Void>> acked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            BenchConnection c = opened.get(i);
            // on this connection's event loop only: a plain map
            Map<String, Boolean> heard = new HashMap<>();
            c.onMessage(m -> heard(m, prefix, heard));
            acked.add(c.login("bench-watcher-" + bench.run + "-" + i).compose(v -> c.subscribeAll()));
        }
        bench.await(Future.all(acked));
        return opened;
    }

    private void heard(Message m, String prefix, Map<String, Boolean> heard) {
        if (!(m instanceof PresenceMessage p) || p.name() == null || !p.name().startsWith(prefix)) {
            return;
        }
        boolean join = p.action() == Action.PRESENCE_JOIN_ALL;
        if (!join && p.action() != Action.PRESENCE_LEAVE_ALL) {
            return;
        }
        long now = System.nanoTime();
        if (Boolean.valueOf(join).equals(heard.put(p.name(), join))) {
            duplicates.incrementAndGet();
            return;
        }
        Long since = (join ? authSentAt : closedAt).get(p.name());
        Histogram latency = join ? joinLatency : leaveLatency;
        if (since != null) {
            synchronized (latency) {
                latency.recordValue((now - since) / 1000);
            }
        }
        if ((join ? joins : leaves).incrementAndGet() == expected) {
            (join ? allJoined : allLeft).complete(null);
        }
    }

    /** Waits for {@code all}; fails at --timeout with how far {@code counter} got. */
    private void awaitAll(Bench bench, CompletableFuture<Void> all, AtomicLong counter, String what) throws Exception {
        try {
            bench.await(all);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the subscribers heard " + counter.get() + " of " + expected + " " + what
                    + " at --timeout", e);
        }
    }

    private interface Step {
        void run(int i);
    }

    /** Runs {@code step(i)} for i in [0, count) at {@code rate} a second, from this thread. */
    private static void paced(Bench bench, int count, int rate, Step step) {
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = started + i * 1_000_000_000L / rate;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            bench.checkDeadline();
            step.run(i);
        }
    }

    @Override
    public int sourceAddresses(Options options) {
        return 1;
    }
}
