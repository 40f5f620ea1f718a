package io.presence.node.session;

import io.presence.node.presence.OnlineSnapshot;
import io.presence.node.presence.PresenceListener;
import io.presence.node.presence.PresenceService;
import io.presence.protocol.JsonText;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

import java.util.List;

/**
 * The PRESENCE topic of one logged-in session: subscriptions, queries and the notifications they
 * bring. Requests arrive on the connection's event loop, where queries are answered from this
 * node's view; acks and notifications go out from the presence thread, through the thread-safe
 * {@link Connection}.
 */
final class PresenceRequests implements PresenceListener {

    private final Connection connection;
    private final PresenceService presence;
    /** The logged-in user; null for an anonymous session, which never shows in presence. */
    private final String username;

    PresenceRequests(Connection connection, PresenceService presence, String username) {
        this.connection = connection;
        this.presence = presence;
        this.username = username;
        if (username != null) {
            presence.sessionOpened(username);
        }
    }

    void handle(PresenceMessage request) {
        String correlationId = request.correlationId();
        switch (request.action()) {
            case SUBSCRIBE_ALL -> presence.subscribeAll(this).thenAccept(added -> {
                if (!added) {
                    connection.send(PresenceMessage.aboutName(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE_ALL,
                            correlationId, PresenceMessage.EVERYONE, false));
                }
                connection.send(PresenceMessage.ack(Action.SUBSCRIBE_ALL, correlationId));
            });
            case UNSUBSCRIBE_ALL -> presence.unsubscribeAll(this).thenAccept(removed -> {
                if (!removed) {
                    connection.send(PresenceMessage.aboutName(Action.NOT_SUBSCRIBED, Action.UNSUBSCRIBE_ALL,
                            correlationId, PresenceMessage.EVERYONE, false));
                }
                connection.send(PresenceMessage.ack(Action.UNSUBSCRIBE_ALL, correlationId));
            });
            case SUBSCRIBE -> {
                if (validNames(request)) {
                    presence.subscribe(this, request.names()).thenAccept(already ->
                            warnThenAck(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE, correlationId, already));
                }
            }
            case UNSUBSCRIBE -> {
                if (validNames(request)) {
                    presence.unsubscribe(this, request.names()).thenAccept(missing ->
                            warnThenAck(Action.NOT_SUBSCRIBED, Action.UNSUBSCRIBE, correlationId, missing));
                }
            }
            case QUERY_ALL -> {
                // answered here, on the event loop, from this node's view: no hop, no cluster call
                OnlineSnapshot online = presence.online();
                connection.sendOnline(new OnlineAnswer(correlationId, online.id(), online.names(),
                        online.positionOf(username)));
            }
            case QUERY -> {
                if (request.names().stream().anyMatch(n -> n == null || n.isEmpty())) {
                    invalidUsers(request, "usernames must be non-empty strings");
                    return;
                }
                connection.send(PresenceMessage.queryResponse(correlationId, JsonText.write(presence.areOnline(request.names()))));
            }
            default -> connection.send(ParserMessage.error(ParserMessage.Action.UNKNOWN_ACTION,
                    "PRESENCE " + request.action() + " is not a request a client can make",
                    request.topic(), request.actionCode()));
        }
    }

    /** The session ended: its subscriptions go, and its user's session count drops. */
    void closed() {
        presence.removeListener(this);
        if (username != null) {
            presence.sessionClosed(username);
        }
    }

    @Override
    public void presenceChanged(String name, boolean online, Scope scope) {
        if (name.equals(username)) {
            // as with QUERY_ALL, a client is not told about itself (its own login can race its subscription)
            return;
        }
        Action action = scope == Scope.EVERYONE
                ? (online ? Action.PRESENCE_JOIN_ALL : Action.PRESENCE_LEAVE_ALL)
                : (online ? Action.PRESENCE_JOIN : Action.PRESENCE_LEAVE);
        connection.send(PresenceMessage.named(action, name));
    }

    private boolean validNames(PresenceMessage request) {
        if (request.names().isEmpty()) {
            invalidUsers(request, "names must list at least one username");
            return false;
        }
        if (request.names().stream().anyMatch(n -> n == null || n.isEmpty())) {
            invalidUsers(request, "usernames must be non-empty strings");
            return false;
        }
        return true;
    }

    private void invalidUsers(PresenceMessage request, String reason) {
        connection.send(new PresenceMessage(Action.INVALID_PRESENCE_USERS, request.topic(), request.actionCode(),
                JsonText.quote(reason), request.correlationId(), true, false, null, List.of()));
    }

    private void warnThenAck(Action warning, Action original, String correlationId, List<String> names) {
        for (String name : names) {
            connection.send(PresenceMessage.aboutName(warning, original, correlationId, name, false));
        }
        connection.send(PresenceMessage.ack(original, correlationId));
    }

}
