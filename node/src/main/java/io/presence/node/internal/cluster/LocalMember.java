package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.presence.node.internal.cluster.state.LiveHolders;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * This node as the cluster's rules see it: its identity as a holder of users, its place among the
 * members, and the clock that proposes the versions of the transitions it causes. In client mode
 * the node is a Hazelcast client: its identity is its client UUID, it has no place among the
 * members, and "the members" are the data members it talks to.
 *
 * <p>Public for the data member ({@code cluster.datamember}), which runs on the same plumbing.
 */
public final class LocalMember {

    private final HazelcastInstance hazelcast;
    private final boolean client;

    /** A client is connected once started (its start waits for that) until it says otherwise. */
    private volatile boolean connected = true;
    /** Null where nothing watches for freezes (a client, whose data members decide; a data member). */
    private final FreezeDetector freeze;

    public LocalMember(HazelcastInstance hazelcast, boolean client) {
        this(hazelcast, client, null);
    }

    LocalMember(HazelcastInstance hazelcast, boolean client, FreezeDetector freeze) {
        this.hazelcast = hazelcast;
        this.client = client;
        this.freeze = freeze;
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
    public UUID uuid() {
        return client ? hazelcast.getLocalEndpoint().getUuid() : hazelcast.getCluster().getLocalMember().getUuid();
    }

    boolean isClient() {
        return client;
    }

    /** The wall clock in microseconds: versions must agree across members, so not a monotonic clock. */
    public long proposedVersion() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The oldest member is the first of the member list, the same on every member; a client is never it. */
    public boolean isOldest() {
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

    /**
     * Whether what this node decides stands: a client's always (the data members that own the
     * entries judge); a member's while it may decide at all ({@link #mayDecide}) and has the users
     * map's majority ({@link RecentMajority}), judged on its member list as it is. A member on the
     * small side of a split has its map replaced at the merge, and Hazelcast answers its calls
     * done in ways the majority never sees (a primary stops waiting for the backup acks of members
     * it drops; for a moment after dropping them its protection verdict is the one from before).
     * Asked once a batch of holds has answered, and before acting for members that left (dropping
     * their holds, taking over their webhook events), so that such a member skips that quietly.
     */
    boolean decisionsStand() {
        return client || mayDecide() && RecentMajority.holds(hazelcast);
    }

    /**
     * Whether this node may decide transitions now: not while it has just woken from a freeze
     * ({@link FreezeDetector}) and may still believe in members that took it for gone.
     */
    boolean mayDecide() {
        return freeze == null || freeze.mayDecide();
    }

    public boolean isRunning() {
        return hazelcast.getLifecycleService().isRunning();
    }
}
