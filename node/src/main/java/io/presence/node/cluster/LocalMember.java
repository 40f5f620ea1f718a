package io.presence.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * This node as the cluster's rules see it: its identity as a holder of users, its place among the
 * members, and the clock that proposes the versions of the transitions it causes. In client mode
 * the node is a Hazelcast client: its identity is its client UUID, it has no place among the
 * members, and "the members" are the data members it talks to.
 */
final class LocalMember {

    private final HazelcastInstance hazelcast;
    private final boolean client;

    /** A client is connected once started (its start waits for that) until it says otherwise. */
    private volatile boolean connected = true;
    /** How long a view of the cluster counts when judging a departure (see mayActForDeparted). */
    static final long VIEW_MEMORY_MILLIS = 60_000;
    /** Member counts seen lately, each with when (monotonic ms), oldest first. */
    private final ArrayDeque<long[]> views = new ArrayDeque<>();

    LocalMember(HazelcastInstance hazelcast, boolean client) {
        this.hazelcast = hazelcast;
        this.client = client;
        if (client) {
            hazelcast.getLifecycleService().addLifecycleListener(event -> {
                if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
                    connected = true;
                } else if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED) {
                    connected = false;
                }
            });
        }
    }

    /** Looked up each time: a member's UUID changes when a split-brain merge restarts it. */
    UUID uuid() {
        return client ? hazelcast.getLocalEndpoint().getUuid() : hazelcast.getCluster().getLocalMember().getUuid();
    }

    boolean isClient() {
        return client;
    }

    /** The wall clock in microseconds: versions must agree across members, so not a monotonic clock. */
    long proposedVersion() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The oldest member is the first of the member list, the same on every member; a client is never it. */
    boolean isOldest() {
        return !client && hazelcast.getCluster().getMembers().iterator().next().localMember();
    }

    /**
     * The holders this node counts as alive: the members it sees; a client only knows itself,
     * and the owners of the entries add the nodes they see ({@link LiveHolders}).
     */
    Set<UUID> liveMembers() {
        return client ? new HashSet<>(Set.of(uuid())) : LiveHolders.members(hazelcast);
    }

    /** Whether this node runs and sees at least {@code members} (data) members, itself included when a member. */
    boolean seesAtLeast(int members) {
        return hazelcast.getLifecycleService().isRunning() && connected
                && hazelcast.getCluster().getMembers().size() >= members;
    }

    /** Members were seen (at start, at a join): a view later departures are judged against. */
    synchronized void sawMembers(int count) {
        views.addLast(new long[] {monotonicMillis(), count});
    }

    /**
     * Whether this node may act for members that left (drop their holds, take over their webhook
     * events): a client always, since the data members that own the entries judge; a member only
     * while it sees at least half of the most members it saw in the last minute. A member that
     * wakes from a pause, or ends up on the small side of a split, sees the others gone while
     * they see it gone: logging it out is theirs to do, and it must not log them out (subscribers
     * and webhook receivers would hear logouts the cluster never made). Only after a minute alone,
     * the others being presumed dead, does it act.
     */
    synchronized boolean mayActForDeparted() {
        if (client) {
            return true;
        }
        long now = monotonicMillis();
        while (!views.isEmpty() && now - views.peekFirst()[0] > VIEW_MEMORY_MILLIS) {
            views.pollFirst();
        }
        int live = hazelcast.getCluster().getMembers().size();
        long largest = views.stream().mapToLong(v -> v[1]).max().orElse(live);
        views.addLast(new long[] {now, live});
        return live * 2 >= largest;
    }

    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    boolean isRunning() {
        return hazelcast.getLifecycleService().isRunning();
    }
}
