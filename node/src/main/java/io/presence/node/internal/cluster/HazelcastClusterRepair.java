package io.presence.node.internal.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.presence.node.internal.cluster.state.Change;
import io.presence.node.internal.cluster.state.DropDepartedProcessor;
import io.presence.node.internal.cluster.state.HeldByPredicate;
import io.presence.node.internal.cluster.state.UserHolders;
import io.presence.node.internal.presence.ClusterRepair;
import io.presence.node.internal.presence.PresenceChange;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** Members that left, and when (wall clock, ms): shared, so that every member keeps the same grace. */
    static final String DEPARTED_MAP = "presence-departed";

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastClusterRepair.class);

    private final HazelcastInstance hazelcast;
    private final LocalMember member;
    private final IMap<String, UserHolders> users;
    private final ChangeTopic changes;
    private final ClusterWorkers workers;
    private final long departedGraceMillis;
    private final IMap<UUID, Long> departed;
    /** The members the last round (or a join since) saw, to tell who left since. */
    private Set<UUID> membersSeenLastRound = Set.of();
    private UUID membershipRegistration;
    private UUID lifecycleRegistration;

    /**
     * @param departedGraceMillis how long the users held by a member that left stay held (the
     *                            logout grace period): their clients reconnecting elsewhere within
     *                            it cause no events at all; 0 releases them at once
     */
    private final HazelcastWebhookOutbox webhooks;

    HazelcastClusterRepair(HazelcastInstance hazelcast, LocalMember member, ChangeTopic changes,
                           ClusterWorkers workers, long departedGraceMillis, HazelcastWebhookOutbox webhooks) {
        this.webhooks = webhooks;
        this.hazelcast = hazelcast;
        this.member = member;
        this.users = hazelcast.getMap(UserHolders.MAP);
        this.changes = changes;
        this.workers = workers;
        this.departedGraceMillis = departedGraceMillis;
        this.departed = hazelcast.getMap(DEPARTED_MAP);
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        UUID me = member.uuid();
        return workers.supply(() -> new HashSet<>(users.keySet(new HeldByPredicate(me))));
    }

    @Override
    public CompletionStage<Map<String, PresenceChange>> latestChangesFromMap() {
        return workers.supply(() -> {
            Map<String, PresenceChange> known = new HashMap<>();
            for (Map.Entry<String, UserHolders> e : users.entrySet()) {
                UserHolders holders = e.getValue();
                known.put(e.getKey(), new PresenceChange(e.getKey(), !holders.isTombstone(), holders.version()));
            }
            return known;
        });
    }

    @Override
    public CompletionStage<Integer> dropDepartedHolders() {
        if (member.isClient()) {
            // the holders are nodes, which only the data members see come and go, all of them
            // together (NodeDepartures asks each); an entry's owner alone may not have a live
            // node connected yet (it just came back) or any more (a blip on that one link)
            return CompletableFuture.completedFuture(0);
        }
        return workers.supply(() -> {
                    if (!member.decisionsStand()) {
                        LOG.info("sees {} members, fewer than half of those it saw in the last minute: the users of"
                                + " members that left stay for the larger side to release", member.liveMembers().size());
                        return Map.<String, Change>of();
                    }
                    // who asks, then what it sees: should a merge change this member's UUID in
                    // between, the owners do not know the old one and trust no stale view (LiveHolders)
                    UUID me = member.uuid();
                    Set<UUID> kept = member.liveMembers();
                    recordDepartures(kept);
                    kept.addAll(departedWithinGrace());
                    return users.executeOnEntries(new DropDepartedProcessor(kept, me, member.proposedVersion(), webhooks.sender()));
                })
                .thenCompose(results -> {
                    List<Change> released = ChangeTopic.made(results.values());
                    webhooks.decided(released);
                    if (!released.isEmpty()) {
                        LOG.atInfo().log(() -> "released " + released.size() + " users held only by members that left");
                    }
                    return changes.publish(released, System.currentTimeMillis()).thenApply(v -> released.size());
                });
    }

    @Override
    public CompletionStage<Void> takeOverOrphanedWebhookEvents() {
        return webhooks.takeOver();
    }

    /**
     * Records as departed now the members seen before and gone from {@code live}: a round can run
     * between Hazelcast dropping a member from its view and this member's memberRemoved handler
     * recording it, and must not drop that member's users before their grace period.
     */
    private synchronized void recordDepartures(Set<UUID> live) {
        if (departedGraceMillis == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (UUID seen : membersSeenLastRound) {
            if (!live.contains(seen)) {
                departed.putIfAbsent(seen, now);
            }
        }
        membersSeenLastRound = Set.copyOf(live);
    }

    private synchronized void seen(UUID joined) {
        Set<UUID> more = new HashSet<>(membersSeenLastRound);
        more.add(joined);
        membersSeenLastRound = Set.copyOf(more);
    }

    /** Members that left less than the grace period ago, whose holds stay for now. */
    private Set<UUID> departedWithinGrace() {
        if (departedGraceMillis == 0) {
            return Set.of();
        }
        long now = System.currentTimeMillis();
        Set<UUID> within = new HashSet<>();
        for (Map.Entry<UUID, Long> e : departed.entrySet()) {
            if (now - e.getValue() < departedGraceMillis) {
                within.add(e.getKey());
            } else if (now - e.getValue() > 10 * departedGraceMillis) {
                departed.delete(e.getKey());
            }
        }
        return within;
    }

    @Override
    public void onTopologyChange(Runnable listener) {
        member.liveMembers().forEach(this::seen);
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info("member joined: {}; {} members", event.getMember().getAddress(), event.getMembers().size());
                seen(event.getMember().getUuid());
                // a member that merged back may bring stale entries: reconcile now, not at the next tick
                listener.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.info("member left: {}; {} members{}", event.getMember().getAddress(), event.getMembers().size(),
                        departedGraceMillis == 0 ? "" : "; its users stay online for the logout grace of " + departedGraceMillis + " ms");
                long delay = member.isOldest() ? 0 : FOLLOWER_DELAY_MILLIS;
                if (departedGraceMillis == 0) {
                    workers.schedule(delay, listener);
                    return;
                }
                // its users stay held for the grace period (recorded before any round runs), then
                // a round drops them
                UUID gone = event.getMember().getUuid();
                workers.schedule(0, () -> {
                    departed.putIfAbsent(gone, System.currentTimeMillis());
                    listener.run();
                });
                workers.schedule(delay + departedGraceMillis, listener);
            }
        });
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("merged back into the cluster after a split; holding this node's users again");
                // this member rejoined under a new UUID: its users must be held again now
                listener.run();
            } else if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
                // client mode: back after losing every data member, whose view of this node may be gone
                LOG.info("connected to the data members; holding this node's users again");
                listener.run();
            } else if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED) {
                LOG.warn("lost the connection to every data member; reconnecting");
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
