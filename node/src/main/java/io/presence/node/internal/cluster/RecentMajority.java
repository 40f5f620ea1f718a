package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.hazelcast.topic.ITopic;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hazelcast's split-brain protection of the users map: a member may read or change it only
 * while it sees at least half of the most members it saw in the last minute. A member that wakes
 * from a pause, or ends up on the small side of a split, sees the others gone while they see it
 * gone: what happens to its users is theirs to decide until the merge takes it back, and it must
 * decide nothing meanwhile (subscribers and webhook receivers would hear transitions the cluster
 * never made: the randomized fault run found a woken master releasing every user of the live
 * members). A member alone for more than a minute decides again, the others presumed dead.
 * Hazelcast asks the function at every membership change and every heartbeat interval.
 *
 * <p>A member that leaves gracefully (a node or data member stopping) says so first
 * ({@link #announceDeparture}), and the others stop counting it: it is on no other side, so
 * those it leaves behind still hold the truth. Counted, it left a survivor of a split alone on
 * "the small side" beside the cut-off member, and the merge of the two kept the cut-off member's
 * stale map (the randomized fault run: a split of node 1, then a SIGTERM of node 2).
 */
final class RecentMajority implements SplitBrainProtectionFunction {

    static final String NAME = "presence-recent-majority";
    /** How long a view of the cluster counts. */
    static final long MEMORY_MILLIS = 60_000;
    /** Where a member that leaves gracefully says so. */
    static final String DEPARTURES_TOPIC = "presence-departures";

    /** A member list seen, and when (monotonic ms). */
    private record View(long at, Set<UUID> members) {
    }

    /** Member lists seen lately, oldest first, without the members that left gracefully since. */
    private final ArrayDeque<View> views = new ArrayDeque<>();

    /** Protects {@code map} in {@code config} with a function of its own. */
    static void protect(Config config, String map) {
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(NAME, true)
                .setProtectOn(SplitBrainProtectionOn.READ_WRITE)
                .setFunctionImplementation(new RecentMajority()));
        config.getMapConfig(map).setSplitBrainProtectionName(NAME);
    }

    /**
     * Waits (at most 5 s) until Hazelcast has asked the function once: until then the protected
     * map refuses everything, and a member starting alone is first asked a heartbeat interval
     * after it started.
     */
    static void awaitFirstVerdict(HazelcastInstance member) {
        SplitBrainProtection protection = member.getSplitBrainProtectionService().getSplitBrainProtection(NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!protection.hasMinimumSize() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Makes {@code member}'s function forget the members that announce a graceful departure. */
    static void followDepartures(HazelcastInstance member) {
        if (functionOf(member) instanceof RecentMajority function) {
            departures(member).addMessageListener(message -> function.departed(UUID.fromString(message.getMessageObject())));
        }
    }

    /**
     * Tells the other members that {@code member} is leaving gracefully, before it shuts down:
     * they stop counting it. The shutdown first moves its partitions to them, which takes longer
     * than the message takes to arrive; should it arrive after they dropped the member, their
     * verdict is right again at the next heartbeat interval.
     */
    static void announceDeparture(HazelcastInstance member) {
        if (member.getLifecycleService().isRunning()) {
            departures(member).publish(member.getCluster().getLocalMember().getUuid().toString());
        }
    }

    private static ITopic<String> departures(HazelcastInstance member) {
        return member.getTopic(DEPARTURES_TOPIC);
    }

    private static SplitBrainProtectionFunction functionOf(HazelcastInstance member) {
        SplitBrainProtectionConfig config = member.getConfig().getSplitBrainProtectionConfig(NAME);
        return config == null ? null : config.getFunctionImplementation();
    }

    /**
     * Whether {@code member} has the users map's protection now, judged on its member list as it
     * is this moment. Hazelcast re-asks the function on a membership change on a thread of its
     * own, so for a moment after members left its stored verdict is the one from before: a
     * member cut off by a split would release the users of the members it has just dropped. A
     * member whose configuration has another function is judged by Hazelcast's verdict alone.
     */
    static boolean holds(HazelcastInstance member) {
        boolean verdict = member.getSplitBrainProtectionService().getSplitBrainProtection(NAME).hasMinimumSize();
        if (verdict && functionOf(member) instanceof RecentMajority function) {
            return function.isMajority(member.getCluster().getMembers().size(), nowMillis());
        }
        return verdict;
    }

    /** Hazelcast's question: judges {@code members} and remembers the view. */
    @Override
    public synchronized boolean apply(Collection<Member> members) {
        long now = nowMillis();
        while (!views.isEmpty() && now - views.peekFirst().at() > MEMORY_MILLIS) {
            views.pollFirst();
        }
        Set<UUID> live = new HashSet<>();
        for (Member m : members) {
            live.add(m.getUuid());
        }
        boolean majority = isMajority(live.size(), now);
        views.addLast(new View(now, live));
        return majority;
    }

    /** {@code member} left gracefully: no view counts it any more. */
    synchronized void departed(UUID member) {
        for (View view : views) {
            view.members().remove(member);
        }
    }

    /** Whether {@code live} members are at least half of the most seen within the last minute; remembers nothing. */
    synchronized boolean isMajority(int live, long now) {
        long largest = live;
        for (View view : views) {
            if (now - view.at() <= MEMORY_MILLIS) {
                largest = Math.max(largest, view.members().size());
            }
        }
        return live * 2L >= largest;
    }

    private static long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
