package io.presence.client.internal;

import io.presence.client.ConnectionChange;
import io.presence.client.ConnectionListener;
import io.presence.client.PresenceException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of one client: the builder's first, then those added since, each told in turn. */
final class ConnectionListeners implements ConnectionListener {

    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    ConnectionListeners(ConnectionListener first) {
        listeners.add(first);
    }

    void add(ConnectionListener listener) {
        listeners.add(listener);
    }

    void remove(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void onChange(ConnectionChange change) {
        listeners.forEach(l -> Callbacks.safely(() -> l.onChange(change)));
    }

    @Override
    public void onError(PresenceException error) {
        listeners.forEach(l -> Callbacks.safely(() -> l.onError(error)));
    }
}
