package io.presence.node.internal.presence;

import io.presence.node.internal.metrics.NodeMetrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation: rounds that bring this node and the cluster back in line, correcting whatever went
 * astray (a lost topic message, a split-brain merge that restored stale entries, a member that
 * left unnoticed). A round, in order:
 * <ol>
 *   <li>members no longer in the cluster are dropped from every entry (their logouts follow);
 *       after a merge this removes entries restored for this node's old identity before it holds
 *       its users again, or that hold would find the user "already online" and announce nothing;</li>
 *   <li>users with sessions here that the cluster no longer records as held here are held again;
 *       holds the cluster records without a session here are released;</li>
 *   <li>the view (and with it subscribers) catches up with the map: a change the map has at a
 *       newer version is applied at once; a user this node last reported online whom the map
 *       does not have online gets a leave once two rounds in a row saw that at the same version,
 *       unless the user has a session here (then step 2 holds it again).</li>
 * </ol>
 * One round runs at a time; one asked for meanwhile runs right after; a failed round (typically
 * the cluster changing under it) is tried again after {@link #RETRY_MILLIS}. Rounds run every
 * interval, and at once when membership changes, with a second round once that has settled.
 * Confined to the presence thread.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final long RETRY_MILLIS = 1_000;
    /**
     * A round that has not finished by then is given up and the next one may start: a cluster
     * call caught in a merge can wait far longer, and reconciliation must not stop behind it.
     */
    static final long ROUND_DEADLINE_MILLIS = 20_000;
    /** After a membership change, a second round once merged data and partition moves have settled. */
    static final long SETTLE_MILLIS = 3_000;

    /** A discrepancy between the view (what subscribers were told) and the map, at one version. */
    private record Missed(String username, long version) {
    }

    /** Tells subscribers of a change found missing. */
    interface Correction {
        void deliver(String username, boolean online);
    }

    private final ClusterRepair repair;
    private final LocalHolds holds;
    private final PresenceView view;
    private final Correction correction;
    private final Consumer<List<PresenceChange>> caughtUp;
    private final PresenceExecutor executor;
    private final long intervalMillis;
    private final NodeMetrics metrics;
    private final SeenTwice<Missed> discrepancies = new SeenTwice<>();
    private boolean started;
    private boolean stopped;
    private boolean running;
    private boolean again;
    /** The number of the latest round, so that steps of one given up at its deadline change nothing. */
    private long round;

    /**
     * @param correction told of a change found missing, to tell subscribers
     * @param caughtUp   given changes the map has and the view missed, to apply as published ones
     */
    Reconciler(ClusterRepair repair, LocalHolds holds, PresenceView view, Correction correction,
               Consumer<List<PresenceChange>> caughtUp, PresenceExecutor executor, long intervalMillis,
               NodeMetrics metrics) {
        this.metrics = metrics;
        this.repair = repair;
        this.holds = holds;
        this.view = view;
        this.correction = correction;
        this.caughtUp = caughtUp;
        this.executor = executor;
        this.intervalMillis = intervalMillis;
    }

    /** Starts the periodic rounds; membership changes start rounds from now on too. */
    void start() {
        if (started) {
            return;
        }
        started = true;
        executor.schedule(intervalMillis, this::tick);
    }

    /** No round starts after this (the node is stopping). */
    void stop() {
        stopped = true;
    }

    private void tick() {
        if (!stopped) {
            request();
            executor.schedule(intervalMillis, this::tick);
        }
    }

    void topologyChanged() {
        request();
        executor.schedule(Math.min(SETTLE_MILLIS, intervalMillis), this::request);
    }

    /** Runs a round now, or right after the one running. */
    void request() {
        if (!started || stopped) {
            return;
        }
        if (running) {
            again = true;
            return;
        }
        running = true;
        long current = ++round;
        round(current).whenCompleteAsync((ok, failure) -> finished(current, failure), executor);
        executor.schedule(ROUND_DEADLINE_MILLIS, () -> finished(current,
                new IllegalStateException("no answer from the cluster within " + ROUND_DEADLINE_MILLIS + " ms")));
    }

    private void finished(long which, Throwable failure) {
        if (!isCurrent(which)) {
            return; // given up at its deadline
        }
        running = false;
        metrics.reconciliationRound(failure == null);
        if (failure != null && !stopped) {
            LOG.warn("reconciliation failed; trying again in " + RETRY_MILLIS + " ms: " + failure);
            executor.schedule(RETRY_MILLIS, this::request);
        }
        if (again) {
            again = false;
            request();
        }
    }

    private boolean isCurrent(long which) {
        return running && which == round;
    }

    private CompletionStage<Void> round(long which) {
        return repair.dropDepartedHolders()
                .thenCompose(dropped -> {
                    metrics.repaired("departed", dropped);
                    return repair.takeOverOrphanedWebhookEvents();
                })
                .thenCompose(v -> repair.heldHere())
                .thenApplyAsync(heldHere -> {
                    if (isCurrent(which)) {
                        LocalHolds.Reasserted repaired = holds.reassert(heldHere);
                        metrics.repaired("held_again", repaired.heldAgain());
                        metrics.repaired("released", repaired.released());
                    }
                    return view.entries();
                }, executor)
                .thenCompose(before -> repair.latestChangesFromMap()
                        .thenAcceptAsync(inMap -> {
                            if (isCurrent(which)) {
                                reconcileView(before, inMap);
                            }
                        }, executor));
    }

    /**
     * Corrects the view (and tells subscribers) where it disagrees with the map. A change the map
     * has at a newer version than the view is one the view missed, or one on its way: it is
     * applied at once (when its publication arrives, it is no longer new). A user the view has
     * online and the map does not know at all may be a lost entry being held again: acted on only
     * once two rounds saw it. Entries that changed since {@code before} was taken are left alone.
     */
    private void reconcileView(Map<String, PresenceView.Entry> before, Map<String, PresenceChange> inMap) {
        List<PresenceChange> missed = new ArrayList<>();
        inMap.values().forEach(change -> {
            PresenceView.Entry known = view.last(change.username());
            if (known == null ? change.online() : known.version() < change.version()) {
                missed.add(change);
            }
        });
        if (!missed.isEmpty()) {
            LOG.atInfo().log(() -> "catching up on " + missed.size() + " changes the map has and this node missed");
            metrics.repaired("caught_up", missed.size());
            caughtUp.accept(missed);
        }
        Set<Missed> seen = new HashSet<>();
        before.forEach((name, then) -> {
            PresenceView.Entry now = view.last(name);
            PresenceChange mapped = inMap.get(name);
            boolean inMapOnline = mapped != null && mapped.online();
            if (now != null && now.version() == then.version() && now.online() != inMapOnline
                    // connected here, so online whatever the map says for now: this node holds the
                    // user again (a merge can discard the entry; the map read can precede the hold),
                    // and a leave now would be followed by a join (a fault run saw it)
                    && !(now.online() && holds.hasSessions(name))) {
                seen.add(new Missed(name, now.version()));
            }
        });
        // confirmed ones were seen in this round too, so the view still holds what was compared
        for (Missed m : discrepancies.confirm(seen)) {
            boolean online = view.correct(m.username(), executor.nowMillis());
            LOG.atInfo().log(() -> "delivering a missed " + (online ? "join" : "leave") + " of '" + m.username() + "'");
            metrics.repaired("corrected", 1);
            correction.deliver(m.username(), online);
        }
    }
}
