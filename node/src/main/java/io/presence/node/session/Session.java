package io.presence.node.session;

import io.presence.node.presence.PresenceListener;
import io.presence.node.presence.PresenceService;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.JsonText;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.presence.protocol.Topic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection's conversation: CHALLENGE, then AUTH, then presence requests. Incoming
 * messages arrive on the connection's event loop; presence notifications and the answers to
 * requests go out from the presence thread, through the thread-safe {@link Connection}.
 */
public final class Session implements PresenceListener {

    private static final Logger LOG = Logger.getLogger(Session.class.getName());

    /** WebSocket close codes: 1008 policy violation, 1001 going away. */
    public static final short CLOSE_POLICY = 1008;
    public static final short CLOSE_GOING_AWAY = 1001;

    enum State { AWAITING_CHALLENGE, AWAITING_AUTH, AUTHENTICATED, CLOSED }

    private final Connection connection;
    private final PresenceService presence;
    private final Authenticator authenticator;
    private final SessionSettings settings;
    private final LongSupplier clock;
    private final long openedAt;
    private final AtomicBoolean expiring = new AtomicBoolean();

    private volatile State state = State.AWAITING_CHALLENGE;
    private volatile long lastReceivedAt;
    private volatile long lastPingAt;
    private String username;
    private int refusedLogins;

    public Session(Connection connection, PresenceService presence, Authenticator authenticator,
                   SessionSettings settings, LongSupplier clock) {
        this.connection = connection;
        this.presence = presence;
        this.authenticator = authenticator;
        this.settings = settings;
        this.clock = clock;
        this.openedAt = clock.getAsLong();
        this.lastReceivedAt = openedAt;
    }

    /** Something arrived that is not a message (a pong): the client is alive. */
    public void onTraffic() {
        lastReceivedAt = clock.getAsLong();
    }

    /** A frame arrived that did not decode; tell the client why and keep the connection. */
    public void onUndecodable(DecodeException error) {
        lastReceivedAt = clock.getAsLong();
        connection.send(error.toReply());
    }

    /** A frame arrived that broke a transport rule (wrong frame type, too large). */
    public void onRejectedFrame(ParserMessage reply) {
        lastReceivedAt = clock.getAsLong();
        connection.send(reply);
    }

    public void onMessage(Message message) {
        lastReceivedAt = clock.getAsLong();
        switch (state) {
            case AWAITING_CHALLENGE -> awaitingChallenge(message);
            case AWAITING_AUTH -> awaitingAuth(message);
            case AUTHENTICATED -> authenticated(message);
            case CLOSED -> { }
        }
    }

    private void awaitingChallenge(Message message) {
        if (isConnection(message, ConnectionMessage.Action.CHALLENGE)) {
            state = State.AWAITING_AUTH;
            connection.send(ConnectionMessage.of(ConnectionMessage.Action.ACCEPT));
        } else if (!isConnection(message, ConnectionMessage.Action.PING)) {
            connection.send(ConnectionMessage.error(ConnectionMessage.Action.INVALID_MESSAGE,
                    "the first message must be CONNECTION CHALLENGE"));
        }
    }

    private void awaitingAuth(Message message) {
        if (message instanceof AuthMessage auth && auth.action() == AuthMessage.Action.REQUEST) {
            login(auth);
        } else if (isConnection(message, ConnectionMessage.Action.CHALLENGE)) {
            connection.send(ConnectionMessage.of(ConnectionMessage.Action.ACCEPT));
        } else if (!isConnection(message, ConnectionMessage.Action.PING)) {
            connection.send(AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE, "log in before anything else"));
        }
    }

    private void login(AuthMessage request) {
        LoginOutcome outcome = authenticator.authenticate(request.data());
        if (outcome instanceof LoginOutcome.Accepted accepted) {
            state = State.AUTHENTICATED;
            username = accepted.username();
            if (username != null) {
                presence.sessionOpened(username);
            }
            connection.send(AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, accepted.clientData()));
        } else if (outcome instanceof LoginOutcome.Refused refused) {
            refusedLogins++;
            if (refusedLogins >= settings.maxAuthAttempts()) {
                connection.send(AuthMessage.error(AuthMessage.Action.TOO_MANY_AUTH_ATTEMPTS,
                        refusedLogins + " refused logins: " + refused.reason()));
                connection.close(CLOSE_POLICY, "too many authentication attempts");
            } else {
                connection.send(AuthMessage.of(AuthMessage.Action.AUTH_UNSUCCESSFUL, reasonJson(refused.reason())));
            }
        } else {
            LoginOutcome.Malformed malformed = (LoginOutcome.Malformed) outcome;
            connection.send(AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE_DATA, malformed.reason()));
            connection.close(CLOSE_POLICY, malformed.reason());
        }
    }

    private void authenticated(Message message) {
        if (message instanceof PresenceMessage request) {
            presenceRequest(request);
        } else if (isConnection(message, ConnectionMessage.Action.PING)) {
            connection.send(ConnectionMessage.of(ConnectionMessage.Action.PONG));
        } else if (message instanceof AuthMessage) {
            connection.send(AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE, "already logged in"));
        } else if (!(message instanceof ConnectionMessage)) {
            connection.send(ParserMessage.error(ParserMessage.Action.UNKNOWN_TOPIC,
                    "topic " + message.topic() + " is not served here", message.topic(), message.actionCode()));
        }
    }

    private void presenceRequest(PresenceMessage request) {
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
            case QUERY_ALL -> presence.onlineUsers(username).whenComplete((names, failure) -> {
                if (failure != null) {
                    queryFailed(Action.QUERY_ALL, correlationId, failure);
                } else {
                    connection.send(PresenceMessage.queryAllResponse(correlationId, names));
                }
            });
            case QUERY -> {
                if (request.names().stream().anyMatch(n -> n == null || n.isEmpty())) {
                    invalidUsers(request, "usernames must be non-empty strings");
                    return;
                }
                presence.areOnline(request.names()).whenComplete((online, failure) -> {
                    if (failure != null) {
                        queryFailed(Action.QUERY, correlationId, failure);
                    } else {
                        connection.send(PresenceMessage.queryResponse(correlationId, JsonText.write(online)));
                    }
                });
            }
            default -> connection.send(ParserMessage.error(ParserMessage.Action.UNKNOWN_ACTION,
                    "PRESENCE " + request.action() + " is not a request a client can make",
                    request.topic(), request.actionCode()));
        }
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

    private void queryFailed(Action original, String correlationId, Throwable failure) {
        LOG.log(Level.WARNING, "presence query failed for " + connection.describe(), failure);
        connection.send(new PresenceMessage(Action.ERROR, Topic.PRESENCE, original.code(),
                JsonText.quote("the cluster could not answer: " + failure.getMessage()),
                correlationId, true, false, null, List.of()));
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

    /**
     * The connection closed, or is being closed for good: give back what the session held. Runs
     * on the connection's event loop, like every message, so it is ordered after any request the
     * client sent before; it acts once.
     */
    public void onClosed() {
        State was = state;
        if (was == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (was == State.AUTHENTICATED) {
            presence.removeListener(this);
            if (username != null) {
                presence.sessionClosed(username);
            }
        }
    }

    /**
     * Enforces the login deadline and the client timeout. Called periodically from any thread: it
     * reads volatile state only, and hands an expiry to the connection's event loop.
     */
    public void checkDeadlines(long now) {
        State current = state;
        if (current == State.CLOSED) {
            return;
        }
        boolean loginLate = current != State.AUTHENTICATED && now - openedAt > settings.authTimeoutMillis();
        boolean silent = now - lastReceivedAt > settings.silenceLimitMillis();
        if (loginLate || silent) {
            if (expiring.compareAndSet(false, true)) {
                connection.execute(() -> expire(loginLate));
            }
        } else if (now - lastReceivedAt > settings.clientTimeoutMillis() / 3 && now - lastPingAt > settings.clientTimeoutMillis() / 3) {
            // a live client (the official one included) answers a WebSocket ping with a pong
            lastPingAt = now;
            connection.ping();
        }
    }

    private void expire(boolean loginLate) {
        if (state == State.CLOSED) {
            return;
        }
        if (loginLate) {
            connection.send(ConnectionMessage.error(ConnectionMessage.Action.AUTHENTICATION_TIMEOUT,
                    "no successful login within " + settings.authTimeoutMillis() + " ms"));
            connection.close(CLOSE_POLICY, "authentication timeout");
        } else {
            LOG.fine(() -> connection.describe() + " silent past the client timeout; closing");
            // released now: a vanished client never answers the close handshake Vert.x waits for
            onClosed();
            connection.close(CLOSE_GOING_AWAY, "client timeout: nothing received for "
                    + settings.clientTimeoutMillis() + " ms");
        }
    }

    /** Closes the connection with a close frame (e.g. the node is stopping). */
    public void close(short status, String reason) {
        connection.close(status, reason);
    }

    private static boolean isConnection(Message message, ConnectionMessage.Action action) {
        return message instanceof ConnectionMessage c && c.action() == action;
    }

    private static String reasonJson(String reason) {
        return JsonText.write(Map.of("reason", reason));
    }
}
