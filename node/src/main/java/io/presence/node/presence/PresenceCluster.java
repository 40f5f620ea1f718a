package io.presence.node.presence;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The hot path of the cluster as the presence rules see it: holds, releases, the changes they
 * cause, and queries. Implementations decide transitions atomically inside the cluster and
 * publish each one to every node, including this one.
 */
public interface PresenceCluster {

    /** Records that this node holds at least one session of each username. Idempotent. */
    CompletionStage<Void> hold(Collection<String> usernames);

    /** Records that this node holds no session of any of these usernames any more. Idempotent. */
    CompletionStage<Void> release(Collection<String> usernames);

    /**
     * Every username online anywhere in the cluster, for queries: a local, unmodifiable snapshot,
     * so fast, and it may lag a change that is still being published.
     */
    Set<String> onlineUsers();

    /** Whether {@code username} is online anywhere in the cluster; as fast and as fresh as {@link #onlineUsers()}. */
    boolean isOnline(String username);

    /** Where changes published by any node go, a batch at a time; called once, before any hold. */
    void onChange(Consumer<List<PresenceChange>> listener);
}
