package io.presence.node.internal.cluster;

import io.presence.node.internal.webhook.WebhookOutbox;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import io.presence.node.internal.presence.ClusterRepair;
import io.presence.node.internal.presence.DisconnectChannel;
import io.presence.node.internal.presence.LastSeen;
import io.presence.node.internal.presence.UserData;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import io.presence.node.internal.presence.PresenceCluster;

/**
 * Presence on one Hazelcast member: builds the hot path ({@link PresenceCluster}) and the repair
 * operations ({@link ClusterRepair}), which share the changes topic, and closes them.
 */
public final class ClusterAdapter implements AutoCloseable {

    private final LocalMember member;
    private final ClusterWorkers workers = new ClusterWorkers();
    private final ChangeTopic changes;
    private final HazelcastPresenceCluster presence;
    private final HazelcastClusterRepair repair;
    private final MemberDirectory directory;
    private final HazelcastWebhookOutbox outbox;
    private final HazelcastDisconnects disconnects;
    private final LastSeen lastSeen;
    private final UserData userData;
    private final HazelcastInstance hazelcast;
    private final AutoCloseable silentPeers;
    private final AutoCloseable mergeSearch;
    /** Null in client mode: the data members decide, and a client that froze is simply gone to them. */
    private final FreezeDetector freeze;

    public ClusterAdapter(HazelcastInstance hazelcast) {
        this(hazelcast, false, 0, false, false, 0, ForkJoinPool.commonPool());
    }

    /**
     * @param client              whether {@code hazelcast} is a client of data members (client
     *                            mode) rather than a member of its own
     * @param departedGraceMillis how long the users of a member that left stay held, so that
     *                            their clients can reconnect elsewhere without events (the logout
     *                            grace period); 0 releases them at once
     * @param webhooks            whether transitions are recorded as webhook events to send
     * @param lastSeen            whether logouts are remembered as last-seen times
     * @param userDataMaxBytes    the largest user data of a login kept for queries; 0 keeps none
     * @param decisions           the thread that takes up this node's own decisions (publishes them
     *                            and tells the caller): the presence thread, which the caller
     *                            continues on anyway, so that a batch costs one hand-over
     */
    public ClusterAdapter(HazelcastInstance hazelcast, boolean client, long departedGraceMillis, boolean webhooks,
                          boolean lastSeen, int userDataMaxBytes, Executor decisions) {
        this.hazelcast = hazelcast;
        this.freeze = client ? null : FreezeDetector.start(
                new HazelcastProperties(hazelcast.getConfig()).getMillis(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS));
        this.member = new LocalMember(hazelcast, client, freeze);
        this.directory = new MemberDirectory(hazelcast, member, workers);
        this.changes = new ChangeTopic(hazelcast, lastSeen);
        this.lastSeen = lastSeen ? new HazelcastLastSeen(hazelcast, workers) : names -> CompletableFuture.completedFuture(Map.of());
        this.userData = userDataMaxBytes > 0 ? new HazelcastUserData(hazelcast, workers, userDataMaxBytes) : UserData.NONE;
        this.outbox = new HazelcastWebhookOutbox(webhooks, hazelcast, member, workers);
        if (client) {
            // logouts the data members decided (for nodes that went) leave their events to us
            outbox.takeOverWhenOrphaned(hazelcast);
        }
        this.presence = new HazelcastPresenceCluster(hazelcast, member, changes, outbox, decisions);
        this.repair = new HazelcastClusterRepair(hazelcast, member, changes, workers, departedGraceMillis, outbox);
        this.disconnects = new HazelcastDisconnects(hazelcast, workers);
        // a node in client mode has no member connections (its data members watch theirs)
        this.silentPeers = client ? () -> { } : SilentPeerConnections.watch(hazelcast);
        this.mergeSearch = client ? () -> { } : MergeSearch.watch(hazelcast);
    }

    public PresenceCluster presence() {
        return presence;
    }

    public ClusterRepair repair() {
        return repair;
    }

    /** Last logout times; none when they are not kept. */
    public LastSeen lastSeen() {
        return lastSeen;
    }

    /** Who users are, as their logins said; nothing when it is not kept. */
    public UserData userData() {
        return userData;
    }

    public DisconnectChannel disconnects() {
        return disconnects;
    }

    public WebhookOutbox webhookOutbox() {
        return outbox;
    }

    public MemberDirectory directory() {
        return directory;
    }

    /** This node's identity in the cluster, as the live page and logs show it. */
    public String identity() {
        return member.isClient() ? "client " + member.uuid() + " of the data members"
                : "cluster member " + hazelcast.getCluster().getLocalMember().getAddress();
    }

    /** How many members this one sees (data members, in client mode), itself included; 0 once it stopped. */
    public int memberCount() {
        return member.isRunning() ? hazelcast.getCluster().getMembers().size() : 0;
    }

    /** Whether this member runs and sees at least {@code members} members, itself included. */
    public boolean seesAtLeast(int members) {
        return member.seesAtLeast(members);
    }

    @Override
    public void close() {
        if (member.isRunning()) {
            changes.unsubscribeAll();
        }
        repair.close();
        workers.close();
        if (freeze != null) {
            freeze.close();
        }
        try {
            silentPeers.close();
            mergeSearch.close();
        } catch (Exception e) {
            // a timer's shutdown does not fail
        }
    }
}
