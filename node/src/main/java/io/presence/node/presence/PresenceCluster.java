package io.presence.node.presence;

import java.util.Collection;
import java.util.List;
import java.util.Set;
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

    /**
     * Every username online anywhere in the cluster, for queries: a local, unmodifiable snapshot,
     * so fast, and it may lag a change that is still being published.
     */
    Set<String> onlineUsers();

    /**
     * Every username online anywhere in the cluster, read from the source of truth, for
     * reconciliation: slower than {@link #onlineUsers()}, which it also checks.
     */
    CompletionStage<Set<String>> checkedOnlineUsers();

    /** Whether {@code username} is online anywhere in the cluster; as fast and as fresh as {@link #onlineUsers()}. */
    boolean isOnline(String username);

    /** The usernames the cluster records as held by this node, for reconciliation. */
    CompletionStage<Set<String>> heldHere();

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
