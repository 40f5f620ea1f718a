package io.presence.client.internal;

import io.presence.client.ConnectionListener;
import io.presence.client.ConnectionState;
import io.presence.client.PresenceCallback;
import io.presence.client.PresenceException;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

import java.io.IOException;
import java.net.URI;

/**
 * What the connection brings, turned into the client's state: the login conversation, answers to
 * queries, notifications for callbacks, and errors for the connection listener. On the loop.
 */
final class ServerMessages implements ClientConnection.Events {

    /** System.Logger: routes to whatever logging the application uses (SLF4J, Log4j, JUL). */
    private static final System.Logger LOG = System.getLogger(ServerMessages.class.getName());

    /** The client's connection state, as listeners hear it. */
    interface States {
        /**
         * @param reason              why (a lost connection, a failed attempt), or null
         * @param nextAttemptInMillis when the next attempt comes, or -1 for none
         */
        void set(ConnectionState state, String reason, long nextAttemptInMillis);
    }

    private final ClientConnection connection;
    private final ClientLogin login;
    private final ClientSubscriptions subscriptions;
    private final PendingQueries queries;
    private final OfflineQueue offline;
    private final Callbacks callbacks;
    private final ConnectionListener listener;
    private final States states;

    ServerMessages(ClientConnection connection, ClientLogin login, ClientSubscriptions subscriptions,
                   PendingQueries queries, OfflineQueue offline, Callbacks callbacks,
                   ConnectionListener listener, States states) {
        this.connection = connection;
        this.login = login;
        this.subscriptions = subscriptions;
        this.queries = queries;
        this.offline = offline;
        this.callbacks = callbacks;
        this.listener = listener;
        this.states = states;
    }

    @Override
    public void opened(URI url) {
        login.opened(url);
    }

    @Override
    public void received(Message message) {
        if (message instanceof PresenceMessage p) {
            presenceMessage(p);
        } else if (message instanceof ConnectionMessage c) {
            connectionMessage(c);
        } else if (message instanceof AuthMessage a) {
            authMessage(a);
        } else if (message instanceof ParserMessage p) {
            reportError(new PresenceException.ServerError(p.action().name(), String.valueOf(p.data())));
        }
    }

    @Override
    public void unreadable(DecodeException error) {
        reportError(new PresenceException.ServerError("MESSAGE_PARSE_ERROR", "unreadable frame from server: " + error.getMessage()));
    }

    @Override
    public void lost(String why) {
        LOG.log(System.Logger.Level.DEBUG, () -> "connection lost: " + why);
        boolean wasLoggedIn = login.lost();
        queries.failAll(new PresenceException.ConnectionLost("connection " + why));
        long nextAttempt = login.wanted() ? connection.reconnectLater() : -1;
        // a lost login moves to RECONNECTING; a failed attempt is told in the state it leaves as is
        states.set(wasLoggedIn ? ConnectionState.RECONNECTING : null, "connection " + why, nextAttempt);
    }

    private void connectionMessage(ConnectionMessage m) {
        switch (m.action()) {
            case ACCEPT -> login.accepted();
            case PING -> connection.send(ConnectionMessage.of(ConnectionMessage.Action.PONG));
            case PONG -> { }
            case REJECT, REDIRECT, AUTHENTICATION_TIMEOUT, INVALID_MESSAGE, ERROR -> {
                reportError(new PresenceException.ServerError(m.action().name(), String.valueOf(m.data())));
                if (m.action() == ConnectionMessage.Action.REJECT || m.action() == ConnectionMessage.Action.REDIRECT) {
                    connection.drop("refused by the server: " + m.action());
                }
            }
            default -> { }
        }
    }

    private void authMessage(AuthMessage m) {
        switch (m.action()) {
            case AUTH_SUCCESSFUL -> {
                connection.established();
                states.set(ConnectionState.CONNECTED, null, -1);
                login.succeeded(m.data());
                subscriptions.resubscribe().forEach(connection::send);
                offline.flush();
            }
            case AUTH_UNSUCCESSFUL, TOO_MANY_AUTH_ATTEMPTS, INVALID_MESSAGE_DATA -> {
                if (!login.refused(m)) {
                    reportError(new PresenceException.ServerError(m.action().name(), "login refused: " + m.data()));
                }
            }
            default -> reportError(new PresenceException.ServerError(m.action().name(), String.valueOf(m.data())));
        }
    }

    private void presenceMessage(PresenceMessage m) {
        if (m.isAck()) {
            return;
        }
        switch (m.action()) {
            case PRESENCE_JOIN_ALL, PRESENCE_JOIN, PRESENCE_LEAVE_ALL, PRESENCE_LEAVE -> {
                boolean loggedIn = m.action() == Action.PRESENCE_JOIN_ALL || m.action() == Action.PRESENCE_JOIN;
                for (PresenceCallback callback : subscriptions.targets(m.action(), m.name())) {
                    callbacks.run(() -> callback.onPresenceChange(m.name(), loggedIn));
                }
            }
            case QUERY_ALL_RESPONSE -> queries.answer(m.correlationId(), true, m.names());
            case QUERY_RESPONSE -> {
                try {
                    queries.answer(m.correlationId(), false, QueryAnswers.parse(m.data()));
                } catch (IOException e) {
                    queries.fail(m.correlationId(), false, new PresenceException.ServerError("QUERY_RESPONSE", e.getMessage()));
                }
            }
            case MULTIPLE_SUBSCRIPTIONS, NOT_SUBSCRIBED -> LOG.log(System.Logger.Level.DEBUG, () -> "server warning " + m);
            default -> {
                PresenceException error = new PresenceException.ServerError(m.action().name(), String.valueOf(m.data()));
                if (m.isError() && m.originalAction() == Action.QUERY_ALL.code()) {
                    queries.fail(m.correlationId(), true, error);
                } else if (m.isError() && m.originalAction() == Action.QUERY.code()) {
                    queries.fail(m.correlationId(), false, error);
                } else {
                    reportError(error);
                }
            }
        }
    }

    private void reportError(PresenceException error) {
        LOG.log(System.Logger.Level.DEBUG, "reporting to the connection listener", error);
        callbacks.run(() -> listener.onError(error));
    }
}
