package io.presence.node.internal.presence;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** When users last went offline, as the cluster remembers it (for a while, for so many users). */
public interface LastSeen {

    /**
     * The last logout time (epoch milliseconds) of each of {@code usernames} that the cluster
     * remembers; names it does not remember are left out. Whether a user is online now is not its
     * concern: the caller asks the view.
     */
    CompletionStage<Map<String, Long>> of(Collection<String> usernames);
}
