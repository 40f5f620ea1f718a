package io.presence.node.internal.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's holds: how many sessions each username has here, and whether the cluster records
 * this node as holding it. The cluster only hears "this node holds the user" (first session) and
 * "it no longer does" (last session), with at most one such request per username in flight, so
 * a burst of connects and disconnects collapses into what is true when each request completes.
 *
 * <p>Requests go out in batches, a few at a time: while they are in flight new ones gather, so a
 * burst of logins costs a handful of cluster calls, and a single login still goes out at once.
 * With a logout grace period, a user whose last session closed stays held that long.
 *
 * <p>Confined to the presence thread: every method is called on it, and every timer and cluster
 * completion comes back to it through the executor.
 */
final class LocalHolds {

    private static final Logger LOG = LoggerFactory.getLogger(LocalHolds.class);
    static final long RETRY_MILLIS = 500;
    static final int MAX_BATCHES_IN_FLIGHT = 8;
    /** Bounded so that batches keep flowing through the stages in parallel rather than as one lump. */
    static final int MAX_BATCH = 32;

    private final PresenceCluster cluster;
    private final PresenceExecutor executor;
    private final long logoutGraceMillis;
    private final Consumer<List<PresenceChange>> caused;

    private final Map<String, LocalUser> users = new HashMap<>();
    private final Set<String> toHold = new LinkedHashSet<>();
    private final Set<String> toRelease = new LinkedHashSet<>();
    private int batchesInFlight;
    /** Users with at least one session here; written on the presence thread, read by any. */
    private volatile int withSessions;
    /** Every hold is being released: the node stops ("release all", not readiness's "drain"). */
    private boolean releasingAll;
    private final List<CompletableFuture<Void>> releaseWaiters = new ArrayList<>();

    /** One username's sessions on this node and what the cluster has recorded. */
    private static final class LocalUser {
        int sessions;
        /** The cluster records this node as a holder. */
        boolean held;
        boolean inFlight;
        /** A grace period runs (the last session closed while held); it ends at {@code releaseAt}. */
        boolean inGrace;
        long releaseAt;
        boolean timerArmed;
    }

    /** @param caused told, on the presence thread, of the changes this node's own requests caused */
    LocalHolds(PresenceCluster cluster, PresenceExecutor executor, long logoutGraceMillis,
               Consumer<List<PresenceChange>> caused) {
        this.cluster = cluster;
        this.executor = executor;
        this.logoutGraceMillis = logoutGraceMillis;
        this.caused = caused;
    }

    void sessionOpened(String username) {
        if (releasingAll) {
            // the node is leaving: its sessions are being closed, and a hold now would outlive it
            LOG.atDebug().log(() -> "session of '" + username + "' opened while every hold is released; not held");
            return;
        }
        LocalUser user = users.computeIfAbsent(username, u -> new LocalUser());
        if (user.sessions++ == 0) {
            withSessions++;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("session of '{}' opened: {} here, held {}, in flight {}", username, user.sessions, user.held, user.inFlight);
        }
        align(username);
    }

    void sessionClosed(String username) {
        LocalUser user = users.get(username);
        if (user == null && releasingAll) {
            return; // opened while every hold is released, never counted
        }
        if (user == null || user.sessions == 0) {
            LOG.atWarn().log(() -> "session of '" + username + "' closed more often than it opened");
            return;
        }
        if (--user.sessions == 0) {
            withSessions--;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("session of '{}' closed: {} here, held {}, in flight {}", username, user.sessions, user.held, user.inFlight);
        }
        align(username);
    }

    /** Completes once every username this node held has been released; grace periods end at once. */
    CompletionStage<Void> releaseAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        releasingAll = true;
        releaseWaiters.add(done);
        List.copyOf(users.keySet()).forEach(this::align);
        completeReleaseIfIdle();
        return done;
    }

    /** Whether {@code username} has a session on this node now. */
    boolean hasSessions(String username) {
        LocalUser user = users.get(username);
        return user != null && user.sessions > 0;
    }

    /** How many users have a session on this node. Any thread. */
    int usersWithSessions() {
        return withSessions;
    }

    /**
     * Reconciliation read what the cluster records as held here: hold again what it lost while
     * sessions are open, release what it records without a session.
     */
    Reasserted reassert(Set<String> heldHere) {
        int heldAgain = 0;
        int released = 0;
        for (Map.Entry<String, LocalUser> e : users.entrySet()) {
            LocalUser user = e.getValue();
            if (!user.inFlight && user.held && user.sessions > 0 && !heldHere.contains(e.getKey())) {
                LOG.atInfo().log(() -> "'" + e.getKey() + "' has sessions here but the cluster lost the hold; holding again");
                user.held = false;
                align(e.getKey());
                heldAgain++;
            }
        }
        for (String name : heldHere) {
            if (!users.containsKey(name)) {
                LOG.atInfo().log(() -> "the cluster records a hold on '" + name + "' for this node without a session; releasing");
                LocalUser stray = new LocalUser();
                stray.held = true;
                users.put(name, stray);
                align(name);
                released++;
            }
        }
        return new Reasserted(heldAgain, released);
    }

    /** What {@link #reassert} repaired: holds the cluster had lost, and holds it kept without a session. */
    record Reasserted(int heldAgain, int released) {
    }

    /** Brings the cluster's record of this node's hold on {@code username} in line with its sessions. */
    private void align(String username) {
        LocalUser user = users.get(username);
        if (user == null || user.inFlight) {
            return;
        }
        boolean wanted = user.sessions > 0;
        if (wanted) {
            user.inGrace = false;
        } else if (user.held && logoutGraceMillis > 0 && !releasingAll) {
            long now = executor.nowMillis();
            if (!user.inGrace) {
                user.inGrace = true;
                user.releaseAt = now + logoutGraceMillis;
            }
            if (now < user.releaseAt) {
                armTimer(username, user, user.releaseAt - now);
                return;
            }
        }
        if (wanted == user.held) {
            if (!wanted) {
                users.remove(username);
                completeReleaseIfIdle();
            }
            return;
        }
        user.inFlight = true;
        (wanted ? toHold : toRelease).add(username);
        flush();
    }

    /** At most one timer per user: a flapping user does not pile them up. */
    private void armTimer(String username, LocalUser user, long delayMillis) {
        if (user.timerArmed) {
            return;
        }
        user.timerArmed = true;
        executor.schedule(delayMillis, () -> {
            user.timerArmed = false;
            align(username);
        });
    }

    private void flush() {
        while (batchesInFlight < MAX_BATCHES_IN_FLIGHT && !(toHold.isEmpty() && toRelease.isEmpty())) {
            boolean holding = !toHold.isEmpty();
            List<String> names = take(holding ? toHold : toRelease);
            batchesInFlight++;
            CompletionStage<List<PresenceChange>> request = holding ? cluster.hold(names) : cluster.release(names);
            request.whenCompleteAsync((changes, failure) -> completed(names, holding, changes, failure), executor);
        }
    }

    private static List<String> take(Set<String> waiting) {
        List<String> names = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
        for (Iterator<String> it = waiting.iterator(); it.hasNext() && names.size() < MAX_BATCH; ) {
            names.add(it.next());
            it.remove();
        }
        return names;
    }

    private void completed(List<String> names, boolean holding, List<PresenceChange> changes, Throwable failure) {
        batchesInFlight--;
        if (failure == null && !changes.isEmpty()) {
            caused.accept(changes);
        }
        if (failure == null && LOG.isDebugEnabled()) {
            LOG.debug("the cluster recorded {} of {} ({} changed)", holding ? "holds" : "releases", names, changes.size());
        }
        if (failure != null) {
            LOG.warn("the cluster did not record " + names.size() + (holding ? " holds" : " releases")
                    + (LOG.isDebugEnabled() ? " " + names : "") + "; retrying in " + RETRY_MILLIS + " ms", failure);
        }
        for (String name : names) {
            LocalUser user = users.get(name);
            user.inFlight = false;
            if (failure != null) {
                executor.schedule(RETRY_MILLIS, () -> align(name));
            } else {
                user.held = holding;
                align(name);
            }
        }
        flush();
    }

    private void completeReleaseIfIdle() {
        if (users.isEmpty() && !releaseWaiters.isEmpty()) {
            releaseWaiters.forEach(f -> f.complete(null));
            releaseWaiters.clear();
        }
    }
}
