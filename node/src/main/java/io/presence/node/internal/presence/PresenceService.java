package io.presence.node.internal.presence;

import io.presence.node.internal.metrics.NodeMetrics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of who is online, for one node: the one entry point of this package. It keeps this
 * node's holds ({@link LocalHolds}), its subscriptions ({@link Subscriptions}), its view of who is
 * online ({@link PresenceView}: what subscribers were told and what queries answer) and
 * reconciliation ({@link Reconciler}) on one thread, the {@link PresenceExecutor}'s; the methods
 * that change state may be called from any thread and hop onto it, queries answer on the caller's
 * thread from the view.
 */
public final class PresenceService {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);
    /** How often the view forgets old leaves (a tombstone is the map's logout record, not this). */
    static final long FORGET_LEAVES_EVERY_MILLIS = 60_000;

    private final ClusterRepair repair;
    private final PresenceExecutor executor;
    private final LocalHolds holds;
    private final Subscriptions subscriptions = new Subscriptions();
    private final PresenceView view = new PresenceView();
    private final Reconciler reconciler;
    private final NodeMetrics metrics;
    private final TransitionHistory history = new TransitionHistory(System::currentTimeMillis);

    /**
     * @param logoutGraceMillis      how long a user whose last session closed stays online here, so
     *                               that a quick reconnection produces no events at all; 0 releases at once
     * @param reconcileIntervalMillis how often reconciliation runs when nothing else triggers it
     */
    public PresenceService(PresenceCluster cluster, ClusterRepair repair, PresenceExecutor executor,
                           long logoutGraceMillis, long reconcileIntervalMillis, NodeMetrics metrics) {
        this.repair = repair;
        this.executor = executor;
        this.metrics = metrics;
        this.holds = new LocalHolds(cluster, executor, logoutGraceMillis, this::apply);
        this.reconciler = new Reconciler(repair, holds, view, this::corrected, this::apply, executor, reconcileIntervalMillis, metrics);
        cluster.onChange(changes -> executor.execute(() -> apply(changes)));
        repair.onTopologyChange(() -> executor.execute(reconciler::topologyChanged));
    }

    /**
     * Fills the view from the cluster's map (changes published meanwhile are applied in version
     * order as usual), then starts reconciliation (periodic and on membership changes) and the
     * pruning of old leaves. Completes once the view is filled.
     */
    public CompletionStage<Void> start() {
        return repair.latestChangesFromMap().thenAcceptAsync(known -> {
            apply(List.copyOf(known.values()));
            reconciler.start();
            executor.schedule(FORGET_LEAVES_EVERY_MILLIS, this::forgetOldLeaves);
        }, executor);
    }

    /** Asks for a reconciliation round now (or right after the one running). */
    public void reconcile() {
        executor.execute(reconciler::request);
    }

    /** A session logged in as {@code username} on this node: it holds the user until it lets go. */
    public UserHold hold(String username) {
        sessionOpened(username);
        return new UserHold(this, username);
    }

    void sessionOpened(String username) {
        executor.execute(() -> holds.sessionOpened(username));
    }

    /** A session counted by {@link #sessionOpened} closed. */
    void sessionClosed(String username) {
        executor.execute(() -> holds.sessionClosed(username));
    }

    /**
     * Completes once every username this node held has been released in the cluster; stops
     * reconciliation. Used on a graceful stop, after all sessions were closed.
     */
    public CompletionStage<Void> releaseAll() {
        return onPresenceThread(() -> {
            reconciler.stop();
            return holds.releaseAll();
        }).thenCompose(released -> released);
    }

    /** Subscribes to every username; completes with false when it already was. */
    public CompletionStage<Boolean> subscribeAll(PresenceListener listener) {
        return onPresenceThread(() -> subscriptions.subscribeAll(listener));
    }

    /** Completes with false when the listener was not subscribed to everyone. */
    public CompletionStage<Boolean> unsubscribeAll(PresenceListener listener) {
        return onPresenceThread(() -> subscriptions.unsubscribeAll(listener));
    }

    /** Subscribes to each name; completes with the names that were already subscribed. */
    public CompletionStage<List<String>> subscribe(PresenceListener listener, Collection<String> usernames) {
        return subscribe(listener, usernames, Integer.MAX_VALUE);
    }

    /**
     * Subscribes to each name, or to none if the listener would then hold more than {@code limit}
     * names; completes with the names that were already subscribed, or null for none subscribed.
     */
    public CompletionStage<List<String>> subscribe(PresenceListener listener, Collection<String> usernames, int limit) {
        return onPresenceThread(() -> subscriptions.subscribe(listener, usernames, limit));
    }

    /** Unsubscribes from each name; completes with the names that were not subscribed. */
    public CompletionStage<List<String>> unsubscribe(PresenceListener listener, Collection<String> usernames) {
        return onPresenceThread(() -> subscriptions.unsubscribe(listener, usernames));
    }

    /** Drops every subscription of a listener, e.g. when its connection closed. */
    public void removeListener(PresenceListener listener) {
        executor.execute(() -> subscriptions.remove(listener));
    }

    /** How many subscriptions this node holds: one per listener to everyone, one per listener and name. */
    public CompletionStage<Integer> subscriptionCount() {
        return onPresenceThread(subscriptions::count);
    }

    /** {@link #subscriptionCount()} as last known, without waiting for the presence thread. Any thread. */
    public int subscriptionsNow() {
        return subscriptions.published();
    }

    /** How many users have a session on this node (in a grace period or not). Any thread. */
    public int usersHere() {
        return holds.usersWithSessions();
    }

    /** Logins and logouts per second lately, cluster-wide. Any thread. */
    public TransitionHistory history() {
        return history;
    }

    /**
     * Every username online in the cluster as this node knows it, reflecting every change
     * delivered before the call. Any thread; the same snapshot until the set changes.
     */
    public OnlineSnapshot online() {
        return view.snapshot();
    }

    /**
     * The last change this node applied for {@code username}, or null when it knows none (never
     * online, or offline for longer than leaves are remembered). Versions are the deciding
     * member's clock in microseconds, so a change's version tells when it was decided. Any thread.
     */
    public LastTransition lastTransition(String username) {
        PresenceView.Entry entry = view.last(username);
        return entry == null ? null : new LastTransition(entry.online(), entry.version() / 1000);
    }

    /** Whether each name is online; duplicate names collapse, order is kept. Any thread. */
    public Map<String, Boolean> areOnline(List<String> usernames) {
        Map<String, Boolean> answer = new LinkedHashMap<>();
        for (String name : new LinkedHashSet<>(usernames)) {
            answer.put(name, view.isOnline(name));
        }
        return answer;
    }

    /** Applies published changes (or those this node's requests caused): delivers what they change. */
    private void apply(List<PresenceChange> changes) {
        long now = executor.nowMillis();
        for (PresenceChange change : changes) {
            if (view.apply(change, now)) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("'{}' {} at version {}", change.username(), change.online() ? "joined" : "left", change.version());
                }
                transition(change.online());
                deliver(change.username(), change.online(), change.decidedAt());
            }
        }
    }

    /** Reconciliation found a change that subscribers missed. */
    private void corrected(String username, boolean online) {
        LOG.atDebug().log(() -> "'" + username + "' " + (online ? "joined" : "left") + " by a correction");
        transition(online);
        deliver(username, online, 0);
    }

    private void transition(boolean online) {
        metrics.transition(online);
        history.record(online);
    }

    private void deliver(String username, boolean online, long decidedAt) {
        subscriptions.forEachTarget(username, (listener, scope) -> {
            try {
                listener.presenceChanged(username, online, scope, decidedAt);
            } catch (RuntimeException e) {
                LOG.warn("presence listener failed; other listeners still notified", e);
            }
        });
    }

    private void forgetOldLeaves() {
        view.forgetOldLeaves(executor.nowMillis());
        executor.schedule(FORGET_LEAVES_EVERY_MILLIS, this::forgetOldLeaves);
    }

    private <T> CompletionStage<T> onPresenceThread(Supplier<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
