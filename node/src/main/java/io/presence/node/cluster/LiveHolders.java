package io.presence.node.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The holders a repair keeps: those the requesting member counts as alive, unless the member that
 * owns the entry no longer counts the requester among its members. Such a requester has a stale
 * view (it hung, woke up and still believes in an old member list) and reaches partitions it no
 * longer has a say over: then the owner also keeps every holder it sees alive. A requester the
 * owner knows is trusted, so an owner a moment behind on a member leaving holds up nothing.
 * A backup applies exactly what its primary kept.
 */
final class LiveHolders {

    private final Set<UUID> requested;
    private final UUID requester;
    private volatile Set<UUID> kept;

    LiveHolders(Set<UUID> requested, UUID requester) {
        this.requested = requested;
        this.requester = requester;
    }

    /** The members that {@code hazelcast} sees in its cluster, itself included. */
    static Set<UUID> seenBy(HazelcastInstance hazelcast) {
        Set<UUID> live = new HashSet<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            live.add(m.getUuid());
        }
        return live;
    }

    /**
     * Adds what the owner sees, once: the partitions of one member share one instance of the
     * processor, each on its own thread.
     */
    synchronized void addOwnerView(HazelcastInstance owner) {
        if (kept == null) {
            Set<UUID> seen = seenBy(owner);
            if (seen.contains(requester)) {
                kept = requested;
            } else {
                Set<UUID> union = new HashSet<>(requested);
                union.addAll(seen);
                kept = union;
            }
        }
    }

    boolean isLive(UUID holder) {
        return kept().contains(holder);
    }

    UUID requester() {
        return requester;
    }

    /** The requested holders, plus the owner's view once it was added. */
    Set<UUID> kept() {
        Set<UUID> k = kept;
        return k != null ? k : requested;
    }
}
