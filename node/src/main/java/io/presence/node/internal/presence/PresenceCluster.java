package io.presence.node.internal.presence;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The hot path of the cluster as the presence rules see it: holds, releases and the changes they
 * cause. Implementations decide transitions atomically inside the cluster and publish each one to
 * every node, including this one; the caller also learns the changes its own request caused, so
 * that it can deliver them without waiting for the publication to come back.
 */
public interface PresenceCluster {

    /** Records that this node holds at least one session of each username; completes with the logins it caused. */
    CompletionStage<List<PresenceChange>> hold(Collection<String> usernames);

    /** Records that this node holds no session of these usernames any more; completes with the logouts it caused. */
    CompletionStage<List<PresenceChange>> release(Collection<String> usernames);

    /** Where changes published by any node go, a batch at a time; called once, before any hold. */
    void onChange(Consumer<List<PresenceChange>> listener);
}
