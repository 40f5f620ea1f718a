package io.presence.bench;

import io.vertx.core.Future;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code storm}: a reconnect storm. --users log in on --login-node, each on its own connection,
 * with a subscriber on every other node; then the login node is killed (SIGKILL to its PID from
 * --pids) and every client reconnects at once, as a client library does, to one of the
 * survivors in turn, logging in again with the same name. Measures, at each subscriber, the time
 * from the kill until every user was back online as it heard it, and whether each user's events
 * were one leave and one join, or none at all (a logout grace period covering the gap); then
 * whether getAll() on every survivor lists every user.
 */
final class StormScenario implements Scenario {

    @Override
    public int sourceAddresses(Options options) {
        // the old connections and the new ones, briefly both
        return 4;
    }

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        int victim = bench.integer("login-node", 0);
        bench.requirePidPerNode("storm");
        List<URI> survivors = new ArrayList<>(bench.nodes());
        survivors.remove(victim);
        List<Subscriber> subscribers = bench.subscribersOnAllBut(victim);
        List<String> names = bench.names(users);
        List<BenchConnection> connections = bench.openAndLogIn(List.of(bench.node(victim)), users);
        for (Subscriber sub : subscribers) {
            sub.awaitJoins(users);
        }
        List<Map<String, Integer>> eventsBefore = subscribers.stream().map(s -> Map.copyOf(s.eventsPerUser)).toList();

        Map<String, BenchConnection> reconnected = new ConcurrentHashMap<>();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastLoginAt = new AtomicLong();
        AtomicLong killedAtNanos = new AtomicLong();
        Histogram backAfter = Report.histogram();
        for (int i = 0; i < users; i++) {
            String name = names.get(i);
            URI target = survivors.get(i % survivors.size());
            connections.get(i).onClosed(() -> BenchConnection.open(bench.clients.get(name.hashCode() & 3), target)
                    .compose(c -> c.login(name).map(c))
                    .onComplete(r -> {
                        if (r.succeeded()) {
                            reconnected.put(name, r.result());
                            long now = System.nanoTime();
                            lastLoginAt.accumulateAndGet(now, Math::max);
                            synchronized (backAfter) {
                                backAfter.recordValue((now - killedAtNanos.get()) / 1000);
                            }
                        } else {
                            failed.incrementAndGet();
                        }
                    }));
        }
        ProcessHandle process = ProcessHandle.of(bench.pids().get(victim))
                .orElseThrow(() -> new IllegalStateException("no process " + bench.pids().get(victim)));
        long killedAt = System.nanoTime();
        killedAtNanos.set(killedAt);
        process.destroyForcibly(); // SIGKILL

        while (reconnected.size() + failed.get() < users) {
            bench.checkDeadline();
            Thread.sleep(10);
        }
        Report report = bench.report;
        report.put("ms_from_kill_to_every_client_logged_in_again", (lastLoginAt.get() - killedAt) / 1e6);
        report.put("reconnects_failed", failed.get());
        report.putLatency("ms_from_kill_to_each_client_logged_in_again", backAfter);
        List<Map<String, Object>> perSubscriber = new ArrayList<>();
        for (int s = 0; s < subscribers.size(); s++) {
            Subscriber sub = subscribers.get(s);
            // settled: everyone heard back online, nothing new for 500 ms (a grace period may end later)
            long quietSince = System.nanoTime();
            long heard = -1;
            while (true) {
                bench.checkDeadline();
                long now = sub.events.get();
                if (now != heard) {
                    heard = now;
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > 500_000_000L
                        && names.stream().allMatch(n -> sub.heardOnline.getOrDefault(n, false))) {
                    break;
                }
                Thread.sleep(20);
            }
            long pairs = 0;
            long none = 0;
            for (String name : names) {
                int after = sub.eventsPerUser.getOrDefault(name, 0) - eventsBefore.get(s).getOrDefault(name, 0);
                if (after == 2) {
                    pairs++;
                } else if (after == 0) {
                    none++;
                }
            }
            long events = pairs * 2;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("users_left_and_back_once", pairs);
            r.put("users_with_no_event", none);
            r.put("users_otherwise", users - pairs - none);
            r.put("not_alternating", sub.notAlternating.get());
            r.put("ms_from_kill_to_last_event", events == 0 ? 0 : (Math.max(sub.lastJoinAt, sub.lastLeaveAt) - killedAt) / 1e6);
            perSubscriber.add(r);
        }
        report.put("subscribers", perSubscriber);
        List<Integer> listed = new ArrayList<>();
        for (Subscriber sub : subscribers) {
            listed.add(sub.queryAllOf(names));
        }
        report.put("getAll_lists_of_the_users_per_survivor", listed);
        List<Future<Void>> closing = new ArrayList<>();
        reconnected.values().forEach(c -> closing.add(c.close()));
        bench.await(Future.join(closing));
    }
}
