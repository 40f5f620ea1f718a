package io.presence.client;

/**
 * The callback form of an answer, as in the JavaScript API: {@code callback(error, result)}, with
 * exactly one of the two non-null.
 */
@FunctionalInterface
public interface ResultCallback<T> {

    void onResult(PresenceException error, T result);
}
