package io.presence.client;

/**
 * Hears about the connection. Methods default to doing nothing; they run on the client's
 * callback executor, in order, and an exception thrown by one is logged and otherwise ignored.
 * Give one to the builder to hear the first change, or add one later with
 * {@link PresenceClient#addConnectionListener}.
 */
public interface ConnectionListener {

    /**
     * The state changed (the state before and after, why, and when the next attempt comes), or an
     * attempt to connect failed and the state stays as it is ({@code previous == current}, with
     * the reason and the next attempt). By default passes a new state on to
     * {@link #onStateChanged(ConnectionState)}, so a listener overrides whichever of the two it needs.
     */
    default void onChange(ConnectionChange change) {
        if (change.previous() != change.current()) {
            onStateChanged(change.current());
        }
    }

    /** The state changed; {@link #onChange} says more. */
    default void onStateChanged(ConnectionState state) {
    }

    /** Something went wrong that no particular call is waiting for, e.g. a server error message. */
    default void onError(PresenceException error) {
    }
}
