package io.presence.node.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The rules of who is online, for one node.
 *
 * <p>Sessions are counted per username on this node; the cluster only learns "this node holds the
 * user" (first session) and "it no longer does" (last session), with at most one such request per
 * username in flight, so a burst of connects and disconnects collapses into what is true when each
 * request completes. Changes published by the cluster are applied in version order and delivered
 * only when they change what this node last told its subscribers, so each subscriber sees
 * alternating joins and leaves.
 *
 * <p>All state is confined to the {@link PresenceExecutor}; public methods may be called from any
 * thread and hop onto it.
 */
public final class PresenceService {

    private static final Logger LOG = Logger.getLogger(PresenceService.class.getName());
    private static final long RETRY_MILLIS = 500;
    /** How long a leave is remembered so that a late, older join cannot resurrect the user. */
    static final long TOMBSTONE_MILLIS = 5 * 60_000;
    /**
     * How long a delivered change overrides the cluster's query answers. Queries read a replica
     * fed by a different event stream than the one that delivers changes; for this long after a
     * change is delivered, the answer follows what subscribers were told, so that nobody who was
     * just told "X left" is then told by getAll that X is online.
     */
    static final long RECENT_MILLIS = 5_000;

    private final PresenceCluster cluster;
    private final PresenceExecutor executor;
    private final LongSupplier clock;
    private final long logoutGraceMillis;
    private boolean stopping;

    private final Map<String, LocalUser> localUsers = new HashMap<>();
    private final Set<String> toClaim = new LinkedHashSet<>();
    private final Set<String> toRelease = new LinkedHashSet<>();
    private int batchesInFlight;
    static final int MAX_BATCHES_IN_FLIGHT = 8;
    /** Bounded so that batches keep flowing through the stages in parallel rather than as one lump. */
    static final int MAX_BATCH = 32;
    private final Set<PresenceListener> everyone = new LinkedHashSet<>();
    private final Map<String, Set<PresenceListener>> byName = new HashMap<>();
    private final Map<PresenceListener, Set<String>> namesOf = new HashMap<>();
    private final Map<String, Known> known = new HashMap<>();
    /** Usernames whose change was delivered in the last {@link #RECENT_MILLIS}, oldest first. */
    private final LinkedHashMap<String, Long> recentlyDelivered = new LinkedHashMap<>();
    private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
    /** Discrepancies seen by the last reconciliation: username to the version then known. */
    private Map<String, Long> suspects = new HashMap<>();

    /** This node's sessions of one username and what the cluster has confirmed. */
    private static final class LocalUser {
        int sessions;
        boolean claimed;
        boolean inFlight;
        /** When the grace period of the last closed session ends; 0 while none runs. */
        long releaseAt;
    }

    /** The last change applied for a username, and when (for pruning leaves). */
    private record Known(boolean online, long version, long appliedAt) {
    }

    /**
     * @param logoutGraceMillis how long a user whose last session closed stays online here, so that
     *                          a quick reconnection produces no events at all; 0 releases at once
     */
    public PresenceService(PresenceCluster cluster, PresenceExecutor executor, LongSupplier clock, long logoutGraceMillis) {
        this.cluster = cluster;
        this.executor = executor;
        this.clock = clock;
        this.logoutGraceMillis = logoutGraceMillis;
        cluster.onChange(changes -> executor.execute(() -> changes.forEach(this::apply)));
    }

    /** An authenticated session with a username opened on this node. */
    public void sessionOpened(String username) {
        executor.execute(() -> {
            localUsers.computeIfAbsent(username, u -> new LocalUser()).sessions++;
            reconcile(username);
        });
    }

    /** A session counted by {@link #sessionOpened} closed. */
    public void sessionClosed(String username) {
        executor.execute(() -> {
            LocalUser user = localUsers.get(username);
            if (user == null || user.sessions == 0) {
                LOG.warning(() -> "session of '" + username + "' closed more often than it opened");
                return;
            }
            user.sessions--;
            reconcile(username);
        });
    }

    /** Brings the cluster's view of this node's hold on {@code username} in line with the count. */
    private void reconcile(String username) {
        LocalUser user = localUsers.get(username);
        if (user == null || user.inFlight) {
            return;
        }
        boolean wanted = user.sessions > 0;
        if (wanted) {
            user.releaseAt = 0;
        } else if (user.claimed && logoutGraceMillis > 0 && !stopping) {
            long now = clock.getAsLong();
            if (user.releaseAt == 0) {
                user.releaseAt = now + logoutGraceMillis;
                executor.schedule(logoutGraceMillis, () -> reconcile(username));
                return;
            }
            if (now < user.releaseAt) {
                return;
            }
        }
        if (wanted == user.claimed) {
            if (!wanted) {
                localUsers.remove(username);
                completeDrainIfIdle();
            }
            return;
        }
        user.inFlight = true;
        (wanted ? toClaim : toRelease).add(username);
        flush();
    }

    /**
     * Sends the waiting claims and releases as batches, a few batches at a time: while they are in
     * flight, new requests gather, so a burst of logins costs a handful of cluster calls rather
     * than one each, and a single login still goes out at once.
     */
    private void flush() {
        while (batchesInFlight < MAX_BATCHES_IN_FLIGHT && !(toClaim.isEmpty() && toRelease.isEmpty())) {
            boolean claiming = !toClaim.isEmpty();
            Set<String> batch = claiming ? toClaim : toRelease;
            List<String> names = new ArrayList<>(Math.min(batch.size(), MAX_BATCH));
            for (java.util.Iterator<String> it = batch.iterator(); it.hasNext() && names.size() < MAX_BATCH; ) {
                names.add(it.next());
                it.remove();
            }
            batchesInFlight++;
            CompletionStage<Void> request = claiming ? cluster.claim(names) : cluster.release(names);
            request.whenCompleteAsync((ok, failure) -> {
                batchesInFlight--;
                if (failure != null) {
                    LOG.log(Level.WARNING, "cluster did not record " + names.size() + (claiming ? " logins" : " logouts")
                            + "; retrying", failure);
                }
                for (String name : names) {
                    LocalUser user = localUsers.get(name);
                    user.inFlight = false;
                    if (failure != null) {
                        executor.schedule(RETRY_MILLIS, () -> reconcile(name));
                    } else {
                        user.claimed = claiming;
                        reconcile(name);
                    }
                }
                flush();
            }, executor);
        }
    }

    /**
     * Completes once every username this node held has been released in the cluster. Used on a
     * graceful stop, after all sessions were closed.
     */
    public CompletionStage<Void> drain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            stopping = true;
            drainWaiters.add(done);
            List.copyOf(localUsers.keySet()).forEach(this::reconcile);
            completeDrainIfIdle();
        });
        return done;
    }

    private void completeDrainIfIdle() {
        if (localUsers.isEmpty() && !drainWaiters.isEmpty()) {
            drainWaiters.forEach(f -> f.complete(null));
            drainWaiters.clear();
        }
    }

    /** Subscribes to every username; completes with false when it already was. */
    public CompletionStage<Boolean> subscribeAll(PresenceListener listener) {
        return onPresenceThread(() -> everyone.add(listener));
    }

    /** Completes with false when the listener was not subscribed to everyone. */
    public CompletionStage<Boolean> unsubscribeAll(PresenceListener listener) {
        return onPresenceThread(() -> everyone.remove(listener));
    }

    /** Subscribes to each name; completes with the names that were already subscribed. */
    public CompletionStage<List<String>> subscribe(PresenceListener listener, Collection<String> usernames) {
        return onPresenceThread(() -> {
            List<String> already = new ArrayList<>();
            Set<String> mine = namesOf.computeIfAbsent(listener, l -> new HashSet<>());
            for (String name : new LinkedHashSet<>(usernames)) {
                if (mine.add(name)) {
                    byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(listener);
                } else {
                    already.add(name);
                }
            }
            return already;
        });
    }

    /** Unsubscribes from each name; completes with the names that were not subscribed. */
    public CompletionStage<List<String>> unsubscribe(PresenceListener listener, Collection<String> usernames) {
        return onPresenceThread(() -> {
            List<String> missing = new ArrayList<>();
            Set<String> mine = namesOf.getOrDefault(listener, Set.of());
            for (String name : new LinkedHashSet<>(usernames)) {
                if (mine.contains(name)) {
                    mine.remove(name);
                    removeNamed(name, listener);
                } else {
                    missing.add(name);
                }
            }
            if (mine.isEmpty()) {
                namesOf.remove(listener);
            }
            return missing;
        });
    }

    /** How many subscriptions this node holds: one per listener to everyone, one per listener and name. */
    public CompletionStage<Integer> subscriptionCount() {
        return onPresenceThread(() -> everyone.size() + namesOf.values().stream().mapToInt(Set::size).sum());
    }

    /** Drops every subscription of a listener, e.g. when its connection closed. */
    public void removeListener(PresenceListener listener) {
        executor.execute(() -> {
            everyone.remove(listener);
            Set<String> names = namesOf.remove(listener);
            if (names != null) {
                names.forEach(name -> removeNamed(name, listener));
            }
        });
    }

    private void removeNamed(String name, PresenceListener listener) {
        Set<PresenceListener> listeners = byName.get(name);
        if (listeners != null && listeners.remove(listener) && listeners.isEmpty()) {
            byName.remove(name);
        }
    }

    /**
     * Every username online in the cluster but {@code requester} (which may be null). One pass
     * over the cluster's snapshot, on the presence thread so that the answer reflects every change
     * delivered before it.
     */
    public CompletionStage<List<String>> onlineUsers(String requester) {
        return onPresenceThread(() -> {
            Map<String, Boolean> recent = recentChanges();
            Set<String> snapshot = cluster.onlineUsers();
            List<String> answer = new ArrayList<>(snapshot.size() + recent.size());
            for (String name : snapshot) {
                if (!name.equals(requester) && !Boolean.FALSE.equals(recent.get(name))) {
                    answer.add(name);
                }
            }
            recent.forEach((name, online) -> {
                if (online && !name.equals(requester) && !snapshot.contains(name)) {
                    answer.add(name);
                }
            });
            return answer;
        });
    }

    /** Whether each name is online; duplicate names collapse, order is kept. */
    public CompletionStage<Map<String, Boolean>> areOnline(List<String> usernames) {
        Set<String> unique = new LinkedHashSet<>(usernames);
        if (unique.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return onPresenceThread(() -> {
            Map<String, Boolean> recent = recentChanges();
            Map<String, Boolean> answer = new LinkedHashMap<>();
            unique.forEach(name -> answer.put(name, recent.containsKey(name) ? recent.get(name) : cluster.isOnline(name)));
            return answer;
        });
    }

    /** How many deliveries the query answers still follow; for tests. */
    int recentDeliveryCount() {
        return recentlyDelivered.size();
    }

    /** Oldest first, so this stops at the first one still recent: bounded by 5 s of changes, queries or not. */
    private void forgetOldDeliveries() {
        long cutoff = clock.getAsLong() - RECENT_MILLIS;
        for (var it = recentlyDelivered.entrySet().iterator(); it.hasNext() && it.next().getValue() < cutoff; ) {
            it.remove();
        }
    }

    /** What this node lately told subscribers, username to online; see {@link #RECENT_MILLIS}. */
    private Map<String, Boolean> recentChanges() {
        forgetOldDeliveries();
        Map<String, Boolean> recent = new HashMap<>();
        recentlyDelivered.keySet().forEach(name -> recent.put(name, known.get(name).online()));
        return recent;
    }

    /** Applies one published change: drops it if stale, delivers it if it changes what we said. */
    private void apply(PresenceChange change) {
        Known last = known.get(change.username());
        if (last != null && last.version() >= change.version()) {
            return;
        }
        known.put(change.username(), new Known(change.online(), change.version(), clock.getAsLong()));
        if (last != null && last.online() == change.online()) {
            return;
        }
        deliver(change.username(), change.online());
    }

    private void deliver(String username, boolean online) {
        recentlyDelivered.remove(username);
        recentlyDelivered.put(username, clock.getAsLong());
        forgetOldDeliveries();
        for (PresenceListener listener : everyone) {
            notify(listener, username, online, PresenceListener.Scope.EVERYONE);
        }
        Set<PresenceListener> named = byName.get(username);
        if (named != null) {
            for (PresenceListener listener : named) {
                notify(listener, username, online, PresenceListener.Scope.NAMED);
            }
        }
    }

    private static void notify(PresenceListener listener, String username, boolean online, PresenceListener.Scope scope) {
        try {
            listener.presenceChanged(username, online, scope);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence listener failed; other listeners still notified", e);
        }
    }

    /**
     * Brings the cluster and this node back in line, healing whatever went astray (a lost topic
     * message, a split-brain merge that restored stale entries, a member that left unnoticed):
     * <ol>
     *   <li>members no longer in the cluster are dropped from every entry (logouts follow);</li>
     *   <li>then users with live sessions here that the cluster no longer records as held here
     *       are claimed again (a login event if they had been logged out); users the cluster
     *       records as held here without a live session are released;</li>
     *   <li>subscribers are told of changes they missed: users this node last reported online
     *       who are not in the map get a leave, users it last reported offline who are in it get
     *       a join, unless a newer change arrived meanwhile.</li>
     * </ol>
     */
    public CompletionStage<Void> reconcileWithCluster() {
        // departed holders first: after a merge, an entry restored for this node's old identity
        // must be gone before the claim under the new one, or that claim would find the user
        // "already online" and announce nothing
        CompletionStage<Void> holdings = cluster.dropDepartedHolders()
                .thenCompose(v -> cluster.heldHere())
                .thenAcceptAsync(this::reassertHoldings, executor);
        CompletionStage<Void> delivery = onPresenceThread(() -> Map.copyOf(known))
                .thenCompose(before -> cluster.checkedOnlineUsers().thenAcceptAsync(online -> healDelivery(before, online), executor));
        return CompletableFuture.allOf(holdings.toCompletableFuture(), delivery.toCompletableFuture());
    }

    private void reassertHoldings(Set<String> heldHere) {
        for (Map.Entry<String, LocalUser> e : localUsers.entrySet()) {
            LocalUser user = e.getValue();
            if (!user.inFlight && user.claimed && user.sessions > 0 && !heldHere.contains(e.getKey())) {
                LOG.info(() -> "'" + e.getKey() + "' has sessions here but the cluster lost them; claiming again");
                user.claimed = false;
                reconcile(e.getKey());
            }
        }
        for (String name : heldHere) {
            if (!localUsers.containsKey(name)) {
                LOG.info(() -> "the cluster holds '" + name + "' for this node without a session; releasing");
                LocalUser stray = new LocalUser();
                stray.claimed = true;
                localUsers.put(name, stray);
                reconcile(name);
            }
        }
    }

    /**
     * A discrepancy is acted on only when two reconciliations in a row saw it unchanged: the first
     * sighting may be a repair in progress (a node re-claiming a lost entry), which must not flap.
     */
    private void healDelivery(Map<String, Known> before, Set<String> present) {
        Map<String, Long> seenNow = new HashMap<>();
        before.forEach((name, then) -> {
            Known now = known.get(name);
            if (now == null || now.version() != then.version() || now.online() == present.contains(name)) {
                return;
            }
            Long seenBefore = suspects.get(name);
            if (seenBefore == null || seenBefore != now.version()) {
                seenNow.put(name, now.version());
                return;
            }
            LOG.info(() -> "delivering a missed " + (now.online() ? "leave" : "join") + " of '" + name + "'");
            known.put(name, new Known(!now.online(), now.version(), clock.getAsLong()));
            deliver(name, !now.online());
        });
        suspects = seenNow;
    }

    /** Forgets leaves older than the tombstone window; joins are kept while the user is online. */
    public void pruneTombstones() {
        executor.execute(() -> {
            long cutoff = clock.getAsLong() - TOMBSTONE_MILLIS;
            known.values().removeIf(k -> !k.online() && k.appliedAt() < cutoff);
        });
    }

    private <T> CompletionStage<T> onPresenceThread(java.util.function.Supplier<T> action) {
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
