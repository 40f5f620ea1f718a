package io.presence.node.internal.presence;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What reconciliation needs from the cluster: its truth, read from the source rather than a
 * replica, the removal of members that left, and word when membership changes. Slower than
 * {@link PresenceCluster}'s hot path; used every reconciliation round, not per login.
 */
public interface ClusterRepair {

    /** The usernames the cluster records as held by this node. */
    CompletionStage<Set<String>> heldHere();

    /**
     * The latest change of every username the map knows, read from the map itself: users online
     * anywhere in the cluster, and users who logged out lately (the map keeps their last version a
     * while). What a node starts its view with, and what reconciliation checks it by.
     */
    CompletionStage<Map<String, PresenceChange>> latestChangesFromMap();

    /**
     * Removes, from every entry, members no longer in the cluster, publishing the logouts that
     * causes. Idempotent, so every node may run it. In client mode it does nothing: the data
     * members, which alone see nodes come and go, release the users of nodes that went.
     */
    CompletionStage<Integer> dropDepartedHolders();

    /**
     * Takes over the undelivered webhook events whose sender left the cluster: this node sends
     * them now. Idempotent; nothing to do when webhooks are off.
     */
    CompletionStage<Void> takeOverOrphanedWebhookEvents();

    /**
     * Called, on a cluster thread, when members join, leave or merge back: a moment to reconcile.
     * The member that should drop a departed member's users at once (the oldest) is told at once,
     * the others a little later.
     */
    void onTopologyChange(Runnable listener);
}
