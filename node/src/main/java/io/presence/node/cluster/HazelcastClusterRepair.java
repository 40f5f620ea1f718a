package io.presence.node.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.presence.node.presence.ClusterRepair;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * Reconciliation's view of Hazelcast: the map read in full (and the query replica checked
 * against it), the removal of departed members from every entry, and membership events.
 *
 * <p>When a member leaves, the oldest survivor is told at once (its reconciliation drops the
 * departed member's users first thing); the others a second later, since they would only repeat
 * that work on the same cores, and their round covers an oldest member that died as well.
 */
final class HazelcastClusterRepair implements ClusterRepair, AutoCloseable {

    /** How long members other than the oldest wait before reconciling after a member left. */
    static final long FOLLOWER_DELAY_MILLIS = 1_000;

    private static final Logger LOG = Logger.getLogger(HazelcastClusterRepair.class.getName());

    private final HazelcastInstance hazelcast;
    private final LocalMember member;
    private final IMap<String, UserHolders> users;
    private final ChangeTopic changes;
    private final ClusterWorkers workers;
    private UUID membershipRegistration;
    private UUID lifecycleRegistration;

    HazelcastClusterRepair(HazelcastInstance hazelcast, LocalMember member, ChangeTopic changes,
                           ClusterWorkers workers) {
        this.hazelcast = hazelcast;
        this.member = member;
        this.users = hazelcast.getMap(HazelcastPresenceCluster.USERS_MAP);
        this.changes = changes;
        this.workers = workers;
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        UUID me = member.uuid();
        return workers.supply(() -> new HashSet<>(users.keySet(new HeldByPredicate(me))));
    }

    @Override
    public CompletionStage<Map<String, Long>> onlineUsersFromMap() {
        return workers.supply(() -> {
            Map<String, Long> online = new HashMap<>();
            for (Map.Entry<String, UserHolders> e : users.entrySet()) {
                online.put(e.getKey(), e.getValue().version());
            }
            return online;
        });
    }

    @Override
    public CompletionStage<Void> dropDepartedHolders() {
        Set<UUID> live = member.liveMembers();
        return workers.supply(() -> users.executeOnEntries(new DropDepartedProcessor(live, member.proposedVersion())))
                .thenCompose(results -> {
                    List<Change> released = ChangeTopic.made(results.values());
                    if (!released.isEmpty()) {
                        LOG.info(() -> "released " + released.size() + " users held only by members that left");
                    }
                    return changes.publish(released);
                });
    }

    @Override
    public void onTopologyChange(Runnable listener) {
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // a member that merged back may bring stale entries: reconcile now, not at the next tick
                listener.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                if (member.isOldest()) {
                    listener.run();
                } else {
                    workers.schedule(FOLLOWER_DELAY_MILLIS, listener);
                }
            }
        });
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                // this member rejoined under a new UUID: its users must be held again now
                listener.run();
            }
        });
    }

    @Override
    public void close() {
        if (member.isRunning()) {
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
            if (lifecycleRegistration != null) {
                hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            }
        }
    }
}
