package io.presence.client.internal;

import io.presence.client.PresenceCallback;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The presence callbacks this client registered, and what the server must be told about them:
 * each change returns the requests to send (the first callback for a name subscribes, the last
 * one gone unsubscribes). Confined to the loop.
 */
final class ClientSubscriptions {

    /** Names per SUBSCRIBE when subscribing again: well below the servers' usual limits. */
    static final int NAMES_PER_REQUEST = 1000;

    private final List<PresenceCallback> everyone = new ArrayList<>();
    private final Map<String, List<PresenceCallback>> byName = new LinkedHashMap<>();
    private final Supplier<String> correlationIds;

    ClientSubscriptions(Supplier<String> correlationIds) {
        this.correlationIds = correlationIds;
    }

    List<PresenceMessage> subscribe(PresenceCallback callback) {
        everyone.add(callback);
        return everyone.size() == 1 ? List.of(PresenceMessage.of(Action.SUBSCRIBE_ALL)) : List.of();
    }

    List<PresenceMessage> subscribe(String username, PresenceCallback callback) {
        List<PresenceCallback> callbacks = byName.computeIfAbsent(username, n -> new ArrayList<>());
        callbacks.add(callback);
        return callbacks.size() == 1 ? List.of(subscribeRequest(Action.SUBSCRIBE, List.of(username))) : List.of();
    }

    /** Everything, here and on the server. */
    List<PresenceMessage> unsubscribe() {
        List<PresenceMessage> requests = new ArrayList<>();
        if (!everyone.isEmpty()) {
            requests.add(PresenceMessage.of(Action.UNSUBSCRIBE_ALL));
        }
        if (!byName.isEmpty()) {
            requests.add(subscribeRequest(Action.UNSUBSCRIBE, List.copyOf(byName.keySet())));
        }
        everyone.clear();
        byName.clear();
        return requests;
    }

    /** That callback, wherever it was registered. */
    List<PresenceMessage> unsubscribe(PresenceCallback callback) {
        List<PresenceMessage> requests = new ArrayList<>();
        boolean hadEveryone = !everyone.isEmpty();
        everyone.removeIf(c -> c == callback);
        if (hadEveryone && everyone.isEmpty()) {
            requests.add(PresenceMessage.of(Action.UNSUBSCRIBE_ALL));
        }
        List<String> emptied = new ArrayList<>();
        for (Iterator<Map.Entry<String, List<PresenceCallback>>> it = byName.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<PresenceCallback>> e = it.next();
            if (e.getValue().removeIf(c -> c == callback) && e.getValue().isEmpty()) {
                emptied.add(e.getKey());
                it.remove();
            }
        }
        if (!emptied.isEmpty()) {
            requests.add(subscribeRequest(Action.UNSUBSCRIBE, emptied));
        }
        return requests;
    }

    /** Every callback for that name. */
    List<PresenceMessage> unsubscribe(String username) {
        return byName.remove(username) != null ? List.of(subscribeRequest(Action.UNSUBSCRIBE, List.of(username))) : List.of();
    }

    /** Just that callback for that name. */
    List<PresenceMessage> unsubscribe(String username, PresenceCallback callback) {
        List<PresenceCallback> callbacks = byName.get(username);
        if (callbacks != null && callbacks.removeIf(c -> c == callback) && callbacks.isEmpty()) {
            byName.remove(username);
            return List.of(subscribeRequest(Action.UNSUBSCRIBE, List.of(username)));
        }
        return List.of();
    }

    /**
     * What a new connection must ask for to hear what this client listens to: the names in
     * SUBSCRIBEs of at most {@link #NAMES_PER_REQUEST}, since a server refuses a request with more
     * names than its limit (ours: max.request.names) and the whole request would be lost.
     */
    List<PresenceMessage> resubscribe() {
        List<PresenceMessage> requests = new ArrayList<>();
        if (!everyone.isEmpty()) {
            requests.add(PresenceMessage.of(Action.SUBSCRIBE_ALL));
        }
        List<String> names = List.copyOf(byName.keySet());
        for (int from = 0; from < names.size(); from += NAMES_PER_REQUEST) {
            requests.add(subscribeRequest(Action.SUBSCRIBE, names.subList(from, Math.min(names.size(), from + NAMES_PER_REQUEST))));
        }
        return requests;
    }

    /** The callbacks a notification is for: those for everyone on _ALL actions, that name's otherwise. */
    List<PresenceCallback> targets(Action action, String username) {
        return switch (action) {
            case PRESENCE_JOIN_ALL, PRESENCE_LEAVE_ALL -> List.copyOf(everyone);
            case PRESENCE_JOIN, PRESENCE_LEAVE -> List.copyOf(byName.getOrDefault(username, List.of()));
            default -> List.of();
        };
    }

    private PresenceMessage subscribeRequest(Action action, List<String> names) {
        return PresenceMessage.request(action, correlationIds.get(), names);
    }
}
