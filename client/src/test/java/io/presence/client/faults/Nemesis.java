package io.presence.client.faults;

import io.presence.node.support.NodeProcess;
import io.presence.node.support.ProcessCluster;
import io.presence.node.support.ShiftedClock;
import io.presence.node.support.WebhookReceiver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.awaitility.Awaitility.await;

/**
 * One fault at a time, chosen and timed by a seeded random: kill -9 of a node (started again a
 * while later), SIGSTOP for 2–15 s then SIGCONT, SIGTERM and a restart, a restart with the clock
 * two minutes ahead (Debian's faketime), a data member killed and started again (client mode),
 * the webhook receiver refusing for a while, clients that stop reading without a close, and, where
 * the members reach each other through {@link io.presence.node.support.MemberLinks}, a network
 * split for 2–15 s while every client still reaches every node: embedded, one node's member cut
 * off from the others; in client mode, one data member cut off from the others, the nodes still
 * connected to all. Each fault is over, and its node serving again, before the next one starts.
 */
final class Nemesis {

    /** How a fault hits: the kinds, in the order the seed picks from. */
    enum Kind {
        KILL, PAUSE, TERM, SKEW, DATA_KILL, RECEIVER_DOWN, VANISH, SPLIT, DATA_SPLIT
    }

    private static final Duration AHEAD = Duration.ofMinutes(2);

    private final ProcessCluster cluster;
    private final WebhookReceiver receiver;
    private final Workload workload;
    private final History history;
    private final Random random;
    private final List<Kind> kinds = new ArrayList<>();

    Nemesis(ProcessCluster cluster, WebhookReceiver receiver, Workload workload, History history, long seed) {
        this.cluster = cluster;
        this.receiver = receiver;
        this.workload = workload;
        this.history = history;
        this.random = new Random(seed);
        for (Kind k : Kind.values()) {
            if (k == Kind.DATA_KILL && cluster.topology() != ProcessCluster.Topology.CLIENT) {
                continue;
            }
            if (k == Kind.SKEW && !ShiftedClock.installed()) {
                continue;
            }
            if (k == Kind.SPLIT && (cluster.links() == null || cluster.topology() != ProcessCluster.Topology.EMBEDDED)) {
                continue;
            }
            if (k == Kind.DATA_SPLIT && (cluster.links() == null || cluster.topology() != ProcessCluster.Topology.CLIENT)) {
                continue;
            }
            kinds.add(k);
        }
    }

    /** Faults until {@code deadline} (wall clock, ms); the one under way when it passes is finished. */
    void runUntil(long deadline) {
        while (System.currentTimeMillis() < deadline) {
            pause(between(3_000, 8_000));
            if (System.currentTimeMillis() >= deadline) {
                return;
            }
            strike(kinds.get(random.nextInt(kinds.size())));
        }
    }

    private void strike(Kind kind) {
        int node = random.nextInt(cluster.size());
        long start = System.currentTimeMillis();
        String detail = "";
        switch (kind) {
            case KILL -> {
                workload.faulted(node, true);
                cluster.node(node).kill9();
                long down = between(1_000, 5_000);
                pause(down);
                restart(node, List.of());
                detail = "down " + down + " ms";
            }
            case PAUSE -> {
                workload.faulted(node, true);
                long frozen = between(2_000, 15_000);
                cluster.node(node).pause();
                pause(frozen);
                cluster.node(node).resume();
                detail = "stopped " + frozen + " ms";
            }
            case SPLIT -> {
                workload.faulted(node, true);
                detail = "cut off " + split(node) + " ms";
            }
            case TERM -> {
                workload.faulted(node, true);
                stop(node);
                restart(node, List.of());
            }
            case SKEW -> {
                workload.faulted(node, true);
                stop(node);
                restart(node, ShiftedClock.ahead(AHEAD));
                detail = "clock " + AHEAD.toSeconds() + " s ahead from now on";
            }
            case DATA_KILL -> {
                node = random.nextInt(cluster.dataMemberCount());
                cluster.dataMember(node).kill9();
                long down = between(1_000, 5_000);
                pause(down);
                cluster.startDataMember(node);
                detail = "data member " + node + " down " + down + " ms";
                node = -1;
            }
            case DATA_SPLIT -> {
                node = random.nextInt(cluster.dataMemberCount());
                detail = "data member " + node + " cut off " + split(node) + " ms";
                node = -1;
            }
            case RECEIVER_DOWN -> {
                long refusing = between(3_000, 10_000);
                receiver.mode(WebhookReceiver.Mode.REFUSE);
                pause(refusing);
                receiver.mode(WebhookReceiver.Mode.ACCEPT);
                detail = "refusing " + refusing + " ms";
                node = -1;
            }
            case VANISH -> {
                int clients = 1 + random.nextInt(3);
                for (int i = 0; i < clients; i++) {
                    workload.vanishOn(random.nextInt(cluster.size()));
                }
                detail = clients + " clients";
                node = -1;
            }
        }
        if (node >= 0) {
            workload.faulted(node, false);
        }
        History.Fault fault = new History.Fault(kind.name().toLowerCase(), node, detail, start, System.currentTimeMillis());
        history.faults.add(fault);
        history.note("fault " + fault);
        System.out.println("FAULT RUN fault " + fault.kind() + (node >= 0 ? " node " + node : "") + " " + detail
                + " at +" + (start - history.origin()) + " ms, over after " + (fault.end() - start) + " ms");
    }

    /** Cuts member {@code member} off from the others for 2-15 s, then heals the links; returns how long. */
    private long split(int member) {
        long cut = between(2_000, 15_000);
        cluster.links().isolate(member);
        pause(cut);
        cluster.links().heal();
        return cut;
    }

    private void stop(int node) {
        NodeProcess process = cluster.node(node);
        process.terminate();
        process.awaitExit(Duration.ofSeconds(60));
    }

    private void restart(int node, List<String> wrapper) {
        cluster.startNode(node, wrapper).awaitHealthy();
    }

    private long between(long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    /** Waits out a fault's chosen duration: the time is the point here, not a condition. */
    private static void pause(long millis) {
        await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 5_000)).until(() -> true);
    }
}
