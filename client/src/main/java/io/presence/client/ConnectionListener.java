package io.presence.client;

/**
 * Hears about the connection. Methods default to doing nothing; they run on the client's
 * callback executor, in order, and an exception thrown by one is logged and otherwise ignored.
 */
public interface ConnectionListener {

    default void onStateChanged(ConnectionState state) {
    }

    /** Something went wrong that no particular call is waiting for, e.g. a server error message. */
    default void onError(PresenceException error) {
    }
}
