package io.presence.node.presence;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the presence rules need from the cluster. Implementations decide transitions atomically
 * inside the cluster and publish each one to every node, including this one.
 */
public interface PresenceCluster {

    /** Records that this node holds at least one session of each username. Idempotent. */
    CompletionStage<Void> claim(Collection<String> usernames);

    /** Records that this node holds no session of any of these usernames any more. Idempotent. */
    CompletionStage<Void> release(Collection<String> usernames);

    /** Every username online anywhere in the cluster. */
    CompletionStage<List<String>> onlineUsers();

    /** Whether each of {@code usernames} is online anywhere in the cluster. */
    CompletionStage<Map<String, Boolean>> areOnline(Collection<String> usernames);

    /** The usernames the cluster records as held by this node, for reconciliation. */
    CompletionStage<java.util.Set<String>> heldHere();

    /**
     * Removes, from every entry, members no longer in the cluster, publishing the logouts that
     * causes. Idempotent, so every node may run it.
     */
    CompletionStage<Void> dropDepartedHolders();

    /** Called when members join, leave or merge back: a moment to reconcile at once. */
    void onTopologyChange(Runnable listener);

    /** Where changes published by any node go, a batch at a time; called once, before any claim. */
    void onChange(Consumer<List<PresenceChange>> listener);
}
