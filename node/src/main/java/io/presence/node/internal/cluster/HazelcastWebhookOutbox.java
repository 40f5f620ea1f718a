package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.presence.node.internal.cluster.state.Change;
import io.presence.node.internal.cluster.state.DeliveredProcessor;
import io.presence.node.internal.cluster.state.OrphanedEventsPredicate;
import io.presence.node.internal.cluster.state.TakeOverProcessor;
import io.presence.node.internal.cluster.state.UserHolders;
import io.presence.node.internal.webhook.WebhookEvent;
import io.presence.node.internal.webhook.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Undelivered webhook events kept in the users' own entries ({@link UserHolders}): recorded by
 * the same entry processor that decides a transition, so a transition and its event are one
 * atomic step, kept on the entry's backup too. The member whose request decided a transition
 * sends it; when a member leaves, a survivor's reconciliation round takes over its undelivered
 * events ({@link #takeOver}).
 */
final class HazelcastWebhookOutbox implements WebhookOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastWebhookOutbox.class);

    private final boolean enabled;
    private final LocalMember member;
    private final IMap<String, UserHolders> users;
    private final ClusterWorkers workers;
    private volatile Consumer<List<WebhookEvent>> listener = events -> { };

    HazelcastWebhookOutbox(boolean enabled, HazelcastInstance hazelcast, LocalMember member, ClusterWorkers workers) {
        this.enabled = enabled;
        this.member = member;
        this.users = hazelcast.getMap(UserHolders.MAP);
        this.workers = workers;
    }

    /** The member to record as a transition's sender: this one, or nobody when webhooks are off. */
    UUID sender() {
        return enabled ? member.uuid() : null;
    }

    /** This member's requests decided {@code changes}: it sends their events. */
    void decided(Collection<Change> changes) {
        if (enabled && !changes.isEmpty()) {
            List<WebhookEvent> events = new ArrayList<>(changes.size());
            changes.forEach(c -> events.add(new WebhookEvent(c.username(), c.online(), c.version(), c.behind())));
            listener.accept(events);
        }
    }

    /** Takes over the undelivered events of members that left; this member sends them now. */
    CompletionStage<Void> takeOver() {
        if (!enabled) {
            return CompletableFuture.completedFuture(null);
        }
        return workers.supply(() -> {
                    if (!member.decisionsStand()) {
                        return Map.<String, ArrayList<Change>>of(); // the larger side takes them over
                    }
                    UUID me = member.uuid(); // before the view, as in HazelcastClusterRepair
                    Set<UUID> live = member.liveMembers();
                    return users.executeOnEntries(new TakeOverProcessor(live, me), new OrphanedEventsPredicate(live));
                })
                .thenAccept(results -> {
                    List<Change> taken = new ArrayList<>();
                    for (List<Change> changes : results.values()) {
                        if (changes != null) {
                            taken.addAll(changes);
                        }
                    }
                    if (!taken.isEmpty()) {
                        LOG.info("took over {} webhook events of members that left", taken.size());
                        decided(taken);
                    }
                });
    }

    /** In client mode: takes over at once the events of logouts that a data member decided. */
    void takeOverWhenOrphaned(HazelcastInstance hazelcast) {
        if (enabled) {
            hazelcast.getTopic(OrphanedEventsPredicate.TOPIC).addMessageListener(message -> takeOver());
        }
    }

    @Override
    public void onEvents(Consumer<List<WebhookEvent>> listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Void> delivered(Collection<WebhookEvent> events) {
        List<CompletableFuture<Object>> acks = new ArrayList<>(events.size());
        try {
            for (WebhookEvent e : events) {
                acks.add(users.submitToKey(e.user(), new DeliveredProcessor(e.version())).toCompletableFuture());
            }
        } catch (RuntimeException notRunning) {
            return CompletableFuture.failedFuture(notRunning);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<Ahead> ahead(Collection<WebhookEvent> waiting) {
        UUID me = member.uuid();
        Set<WebhookEvent> free = ConcurrentHashMap.newKeySet();
        Set<WebhookEvent> behindOwn = ConcurrentHashMap.newKeySet();
        Set<WebhookEvent> ownOlder = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> checks = new ArrayList<>(waiting.size());
        try {
            for (WebhookEvent e : waiting) {
                checks.add(users.getAsync(e.user()).toCompletableFuture().thenAccept(entry -> {
                    // older events the entry no longer keeps (past MAX_PENDING) hold nothing back
                    List<UserHolders.PendingEvent> older = entry == null ? List.of() : entry.pendingBefore(e.version());
                    boolean othersAhead = false;
                    for (int i = 0; i < older.size(); i++) {
                        UserHolders.PendingEvent p = older.get(i);
                        if (p.sender().equals(me)) {
                            ownOlder.add(new WebhookEvent(e.user(), p.online(), p.version(), i > 0));
                        } else {
                            othersAhead = true;
                        }
                    }
                    if (older.isEmpty()) {
                        free.add(e);
                    } else if (!othersAhead) {
                        behindOwn.add(e);
                    }
                }));
            }
        } catch (RuntimeException notRunning) {
            return CompletableFuture.failedFuture(notRunning);
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(v -> new Ahead(Set.copyOf(free), Set.copyOf(behindOwn), List.copyOf(ownOlder)));
    }
}
