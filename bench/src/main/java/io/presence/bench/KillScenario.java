package io.presence.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kill}: --users logged in on --login-node, a subscriber on every other node, then SIGKILL
 * to that node's PID (from --pids, in the order of --nodes): the time until each subscriber heard
 * the last leave.
 */
final class KillScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        int victim = bench.integer("login-node", 0);
        bench.requirePidPerNode("kill");
        List<Subscriber> subscribers = bench.subscribersOnAllBut(victim);
        List<BenchConnection> connections = bench.openAndLogIn(List.of(bench.node(victim)), users);
        List<String> names = bench.names(users);
        for (Subscriber sub : subscribers) {
            sub.awaitJoins(users);
        }
        ProcessHandle process = ProcessHandle.of(bench.pids().get(victim))
                .orElseThrow(() -> new IllegalStateException("no process " + bench.pids().get(victim)));
        long killedAt = System.nanoTime();
        process.destroyForcibly(); // SIGKILL
        List<Map<String, Object>> perSubscriber = new ArrayList<>();
        for (Subscriber sub : subscribers) {
            while (names.stream().anyMatch(n -> sub.heardOnline.getOrDefault(n, true))) {
                bench.checkDeadline();
                Thread.sleep(10);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ms_from_kill_to_last_leave", (sub.lastLeaveAt - killedAt) / 1e6);
            r.put("events", sub.events.get());
            r.put("not_alternating", sub.notAlternating.get());
            perSubscriber.add(r);
        }
        bench.report.put("killed_pid", bench.pids().get(victim));
        bench.report.put("subscribers", perSubscriber);
        // the killed node's connections are already gone; closing them only tidies up this side
        connections.forEach(BenchConnection::close);
    }
}
