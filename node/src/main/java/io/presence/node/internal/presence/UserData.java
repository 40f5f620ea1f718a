package io.presence.node.internal.presence;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Who each user is, as their login strategy said (the {@code clientData} of their latest login
 * that had any), kept by the cluster so that any node can tell callers allowed to query the user.
 */
public interface UserData {

    /** Keeps {@code json} (JSON text) as {@code username}'s data; nothing to wait for. */
    void remember(String username, String json);

    /** The data of each of {@code usernames} that the cluster keeps; the others are left out. */
    CompletionStage<Map<String, String>> of(Collection<String> usernames);

    /** Keeps nothing and knows nothing: the feature turned off. */
    UserData NONE = new UserData() {
        @Override
        public void remember(String username, String json) {
        }

        @Override
        public CompletionStage<Map<String, String>> of(Collection<String> usernames) {
            return java.util.concurrent.CompletableFuture.completedFuture(Map.of());
        }
    };
}
