package io.presence.node.cluster;

import com.hazelcast.core.HazelcastInstance;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * This member as the cluster's rules see it: its identity, its place among the members, and the
 * clock that proposes the versions of the transitions it causes.
 */
final class LocalMember {

    private final HazelcastInstance hazelcast;

    LocalMember(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    /** Looked up each time: the UUID changes when a split-brain merge restarts the member. */
    UUID uuid() {
        return hazelcast.getCluster().getLocalMember().getUuid();
    }

    /** The wall clock in microseconds: versions must agree across members, so not a monotonic clock. */
    long proposedVersion() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The oldest member is the first of the member list, the same on every member. */
    boolean isOldest() {
        return hazelcast.getCluster().getMembers().iterator().next().localMember();
    }

    Set<UUID> liveMembers() {
        return LiveHolders.seenBy(hazelcast);
    }

    /** Whether this member runs and sees at least {@code members} members, itself included. */
    boolean seesAtLeast(int members) {
        return hazelcast.getLifecycleService().isRunning() && hazelcast.getCluster().getMembers().size() >= members;
    }

    boolean isRunning() {
        return hazelcast.getLifecycleService().isRunning();
    }
}
