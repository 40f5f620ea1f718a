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

    /** Records that this node holds at least one session of {@code username}. Idempotent. */
    CompletionStage<Void> claim(String username);

    /** Records that this node holds no session of {@code username} any more. Idempotent. */
    CompletionStage<Void> release(String username);

    /** Every username online anywhere in the cluster. */
    CompletionStage<List<String>> onlineUsers();

    /** Whether each of {@code usernames} is online anywhere in the cluster. */
    CompletionStage<Map<String, Boolean>> areOnline(Collection<String> usernames);

    /** The usernames the cluster records as held by this node, for reconciliation. */
    CompletionStage<java.util.Set<String>> heldHere();

    /**
     * Removes, from every entry, members no longer in the cluster, publishing the logouts that
     * causes. Idempotent; implementations may leave the work to one member.
     */
    CompletionStage<Void> dropDepartedHolders();

    /** Where changes published by any node go; called once, before any claim. */
    void onChange(Consumer<PresenceChange> listener);
}
