package io.presence.node.internal.cluster.datamember;

import com.hazelcast.core.HazelcastInstance;
import io.presence.node.internal.cluster.HazelcastMember;
import io.presence.node.internal.cluster.MergeSearch;
import io.presence.node.config.NodeConfig;

/**
 * A data member for client mode, a process of its own: a Hazelcast member that keeps a share of
 * the presence map and runs its entry processors, and serves no WebSocket clients. The nodes are
 * its Hazelcast clients; it releases the users of nodes that go ({@link NodeDepartures}).
 * Started with {@code presence-node.jar data-member}.
 */
public final class DataMember implements AutoCloseable {

    private final HazelcastInstance hazelcast;
    private final NodeDepartures departures;
    private final AutoCloseable mergeSearch;

    private DataMember(HazelcastInstance hazelcast, NodeDepartures departures, AutoCloseable mergeSearch) {
        this.hazelcast = hazelcast;
        this.departures = departures;
        this.mergeSearch = mergeSearch;
    }

    /** Blocks until the member has joined (or formed) its cluster. */
    public static DataMember start(NodeConfig config) {
        HazelcastInstance hazelcast = HazelcastMember.start(config);
        NodeDepartures departures = new NodeDepartures(hazelcast, config.logoutGraceMillis(),
                config.webhooks().enabled(), config.reconcileMillis(), config.lastSeen().enabled()).start();
        return new DataMember(hazelcast, departures, MergeSearch.watch(hazelcast));
    }

    public String address() {
        return hazelcast.getCluster().getLocalMember().getAddress().toString();
    }

    /** For tests that act on the member itself, say, to break one node's link to it. */
    HazelcastInstance hazelcast() {
        return hazelcast;
    }

    public int memberCount() {
        return hazelcast.getCluster().getMembers().size();
    }

    /** Leaves gracefully: its partitions move to the others first, so nothing is lost. */
    @Override
    public void close() {
        try {
            mergeSearch.close();
        } catch (Exception e) {
            // a timer's shutdown does not fail
        }
        departures.close();
        HazelcastMember.leave(hazelcast);
    }
}
