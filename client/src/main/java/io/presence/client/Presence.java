package io.presence.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code client.presence()}: the presence API of deepstream's JavaScript client, in Java.
 * Subscriptions survive reconnection: the client sends them again after each new login.
 * Arguments are checked at once: null callbacks, empty usernames or an empty list throw
 * {@link IllegalArgumentException} or {@link NullPointerException}.
 */
public interface Presence {

    /** Calls {@code callback} for every user who logs in or out. */
    void subscribe(PresenceCallback callback);

    /** Calls {@code callback} when {@code username} logs in or out. */
    void subscribe(String username, PresenceCallback callback);

    /** Removes every presence callback, for everyone and per name, here and on the server. */
    void unsubscribe();

    /** Removes {@code callback} wherever it was registered (for everyone or for names). */
    void unsubscribe(PresenceCallback callback);

    /** Removes every callback registered for {@code username}. */
    void unsubscribe(String username);

    /** Removes just {@code callback} from {@code username}; nothing happens if it was not there. */
    void unsubscribe(String username, PresenceCallback callback);

    /** Every user online, except this client's own username. */
    CompletableFuture<List<String>> getAll();

    /** Whether each of {@code usernames} is online; duplicate names collapse. */
    CompletableFuture<Map<String, Boolean>> getAll(List<String> usernames);

    void getAll(ResultCallback<List<String>> callback);

    void getAll(List<String> usernames, ResultCallback<Map<String, Boolean>> callback);
}
