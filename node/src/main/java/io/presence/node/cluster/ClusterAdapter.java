package io.presence.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.presence.node.presence.ClusterRepair;
import io.presence.node.presence.PresenceCluster;

/**
 * Presence on one Hazelcast member: builds the hot path ({@link PresenceCluster}), the repair
 * operations ({@link ClusterRepair}) and the query replica and topic they share, and closes them.
 */
public final class ClusterAdapter implements AutoCloseable {

    private final LocalMember member;
    private final ClusterWorkers workers = new ClusterWorkers();
    private final ChangeTopic changes;
    private final QueryReplica replica;
    private final HazelcastPresenceCluster presence;
    private final HazelcastClusterRepair repair;

    /** Blocks while the query replica fills from the map: not on an event loop. */
    public ClusterAdapter(HazelcastInstance hazelcast) {
        this.member = new LocalMember(hazelcast);
        this.changes = new ChangeTopic(hazelcast);
        this.replica = new QueryReplica(hazelcast, hazelcast.getMap(HazelcastPresenceCluster.USERS_MAP), workers);
        this.presence = new HazelcastPresenceCluster(hazelcast, member, changes, replica);
        this.repair = new HazelcastClusterRepair(hazelcast, member, changes, replica, workers);
    }

    public PresenceCluster presence() {
        return presence;
    }

    public ClusterRepair repair() {
        return repair;
    }

    /** Whether this member runs and sees at least {@code members} members, itself included. */
    public boolean seesAtLeast(int members) {
        return member.seesAtLeast(members);
    }

    /** The query replica, for tests that hold it to the map. */
    QueryReplica replica() {
        return replica;
    }

    @Override
    public void close() {
        if (member.isRunning()) {
            changes.unsubscribeAll();
        }
        repair.close();
        workers.close();
    }
}
