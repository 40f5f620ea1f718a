package io.presence.node.internal.session;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginRequest;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginData;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.Disconnects;
import io.presence.node.internal.presence.PresenceService;
import io.presence.node.internal.presence.UserData;
import io.presence.node.internal.presence.UserHold;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.JsonText;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's conversation: CHALLENGE, then AUTH, then requests, which the PRESENCE
 * topic's {@link PresenceRequests} serves; and its deadlines (login in time, never silent for
 * long). Messages arrive on the connection's event loop.
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    enum State { AWAITING_CHALLENGE, AWAITING_AUTH, AUTHENTICATED, CLOSED }

    private final Connection connection;
    private final PresenceService presence;
    private final Authenticator authenticator;
    private final SessionSettings settings;
    private final LongSupplier clock;
    private final SessionRegistry registry;
    private final Supplier<PresencePermissions> permissions;
    private final Disconnects disconnects;
    private final UserData userData;
    private final NodeMetrics metrics;
    private final long openedAt;
    /** Set while an expiry is on its way to the event loop, so the sweep hands over only one. */
    private final AtomicBoolean expiring = new AtomicBoolean();

    private volatile State state = State.AWAITING_CHALLENGE;
    private volatile long lastReceivedAt;
    private volatile long lastPingAt;
    private PresenceRequests requests;
    private UserHold hold = UserHold.NONE;
    private int refusedLogins;
    /** The user logged in, once authenticated with a username (null: anonymous); read by any thread. */
    private volatile String username;
    /** A login request is with the strategies: sent in time, so the login deadline waits for it. */
    private volatile boolean loginPending;
    private final MessageRate rate;
    private final ChangeNotifications notifications;

    /**
     * @param clock    a monotonic clock in milliseconds, the one the registry's sweep passes to
     *                 {@link #checkDeadlines}
     * @param registry where the session is listed while open
     * @param permissions the presence rules in force (they may be reloaded)
     */
    Session(Connection connection, PresenceService presence, Authenticator authenticator,
            SessionSettings settings, LongSupplier clock, SessionRegistry registry,
            Supplier<PresencePermissions> permissions, Disconnects disconnects, UserData userData,
            ChangeNotifications notifications, NodeMetrics metrics) {
        this.disconnects = disconnects;
        this.userData = userData;
        this.notifications = notifications;
        this.metrics = metrics;
        this.connection = connection;
        this.presence = presence;
        this.authenticator = authenticator;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
        this.permissions = permissions;
        this.openedAt = clock.getAsLong();
        this.lastReceivedAt = openedAt;
        this.rate = new MessageRate(settings.limits().messagesPerSecond(), settings.limits().messageBurst(), openedAt);
    }

    /** Something arrived that is not a message (a pong): the client is alive. */
    public void onTraffic() {
        lastReceivedAt = clock.getAsLong();
    }

    /** A frame arrived that did not decode; tell the client why and keep the connection. */
    public void onUndecodable(DecodeException error) {
        onRejectedFrame(error.toReply());
    }

    /** A frame arrived that broke a transport rule (wrong frame type, too large). */
    public void onRejectedFrame(ParserMessage reply) {
        if (received()) {
            connection.send(reply);
        }
    }

    public void onMessage(Message message) {
        if (!received()) {
            return;
        }
        switch (state) {
            case AWAITING_CHALLENGE -> awaitingChallenge(message);
            case AWAITING_AUTH -> awaitingAuth(message);
            case AUTHENTICATED -> authenticated(message);
            case CLOSED -> { }
        }
    }

    /** Notes that the client sent something; false when it is over its message rate, so the message is dropped. */
    private boolean received() {
        long now = clock.getAsLong();
        lastReceivedAt = now;
        MessageRate.Verdict verdict = rate.admit(now);
        if (verdict == MessageRate.Verdict.TAKEN) {
            return true;
        }
        if (state == State.CLOSED) {
            return false;
        }
        if (verdict == MessageRate.Verdict.DROPPED_WITH_WARNING) {
            metrics.limitHit(NodeMetrics.Limit.MESSAGE_RATE);
            LOG.atWarn().log(() -> connection.describe() + " sent more than " + settings.limits().messagesPerSecond()
                    + " messages a second; dropping the excess");
            connection.send(ConnectionMessage.error(ConnectionMessage.Action.ERROR, "more than "
                    + settings.limits().messagesPerSecond() + " messages a second (bursts of " + settings.limits().messageBurst()
                    + "): messages over the rate are dropped, and the connection closes if they keep coming"));
        } else if (verdict == MessageRate.Verdict.CLOSE) {
            LOG.atWarn().log(() -> connection.describe() + " kept sending over its message rate; closing");
            onClosed();
            connection.close(CloseCode.POLICY_VIOLATION, "message rate exceeded");
        }
        return false;
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

    /** Hands the login to the strategies; their answer comes back to this event loop. */
    private void login(AuthMessage request) {
        if (loginPending) {
            connection.send(AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE, "a login is already being decided"));
            return;
        }
        Map<String, Object> authData;
        try {
            authData = LoginData.parse(request.data());
        } catch (IllegalArgumentException malformed) {
            loggedIn(new LoginOutcome.Malformed(malformed.getMessage()), null);
            return;
        }
        CompletableFuture<LoginOutcome> decision = authenticator.authenticate(
                new LoginRequest(authData, request.data(), connection.remoteAddress(), connection.headers())).toCompletableFuture();
        if (decision.isDone()) {
            // decided at once (none, a file user not found): no hop back to this event loop
            decision.whenComplete(this::loggedIn);
            return;
        }
        loginPending = true;
        decision.whenComplete((outcome, failure) -> connection.execute(() -> {
            loginPending = false;
            loggedIn(outcome, failure);
        }));
    }

    private void loggedIn(LoginOutcome outcome, Throwable failure) {
        if (state != State.AWAITING_AUTH) {
            return; // closed, or timed out, while the strategies decided
        }
        if (failure != null) {
            LOG.atWarn().log(() -> "login of " + connection.describe() + " could not be decided: " + failure);
            outcome = new LoginOutcome.Refused(JsonText.write(Map.of("error", "the login could not be checked; try again")));
            metrics.loginRefused(NodeMetrics.Refusal.UNDECIDED);
        } else {
            outcome = outcome instanceof LoginOutcome.Accepted accepted ? refusedForNow(accepted) : outcome;
            if (!(outcome instanceof LoginOutcome.Accepted)) {
                metrics.loginRefused(outcome.refusal());
            }
        }
        if (outcome instanceof LoginOutcome.Accepted accepted) {
            state = State.AUTHENTICATED;
            username = accepted.username();
            registry.loggedIn(username == null);
            metrics.loggedIn(username == null);
            hold = username == null ? UserHold.NONE : presence.hold(username); // the login, in the cluster; released in onClosed
            requests = new PresenceRequests(connection, presence, accepted.username(),
                    LoginData.requester(accepted.username(), accepted.serverData()), permissions, settings, notifications,
                    metrics);
            connection.send(AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, accepted.clientData()));
            connection.loggedIn();
            if (username != null && accepted.clientData() != null) {
                userData.remember(username, accepted.clientData());
            }
        } else if (outcome instanceof LoginOutcome.Malformed malformed) {
            connection.send(AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE_DATA, malformed.reason()));
            connection.close(CloseCode.POLICY_VIOLATION, malformed.reason());
        } else {
            // as deepstream: AUTH_UNSUCCESSFUL with the strategy's data, and after the last allowed
            // attempt TOO_MANY_AUTH_ATTEMPTS and the close
            connection.send(AuthMessage.of(AuthMessage.Action.AUTH_UNSUCCESSFUL, outcome.refusalData()));
            refusedLogins++;
            if (refusedLogins >= settings.maxAuthAttempts()) {
                connection.send(AuthMessage.of(AuthMessage.Action.TOO_MANY_AUTH_ATTEMPTS, null));
                connection.close(CloseCode.POLICY_VIOLATION, "too many authentication attempts");
            }
        }
    }

    private void authenticated(Message message) {
        if (message instanceof PresenceMessage request) {
            requests.handle(request);
        } else if (isConnection(message, ConnectionMessage.Action.PING)) {
            connection.send(ConnectionMessage.of(ConnectionMessage.Action.PONG));
        } else if (message instanceof AuthMessage) {
            connection.send(AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE, "already logged in"));
        } else if (!(message instanceof ConnectionMessage)) {
            connection.send(ParserMessage.error(ParserMessage.Action.UNKNOWN_TOPIC,
                    "topic " + message.topic() + " is not served here", message.topic(), message.actionCode()));
        }
    }

    /**
     * The connection closed, or is being closed for good: give back what the session held. Runs
     * on the connection's event loop, once.
     */
    public void onClosed() {
        State was = state;
        if (was == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        registry.remove(this, was != State.AUTHENTICATED, username == null);
        if (was == State.AUTHENTICATED) {
            metrics.loggedOut();
            requests.closed();
            hold.release();
        }
    }

    /**
     * Enforces the login deadline and the client timeout. Called periodically from any thread with
     * the session clock's time: it reads volatile state only, and hands a possible expiry to the
     * connection's event loop, which decides it again with what arrived meanwhile.
     */
    void checkDeadlines(long now) {
        if (state == State.CLOSED) {
            return;
        }
        if (loginLate(now) || silent(now)) {
            if (expiring.compareAndSet(false, true)) {
                connection.execute(this::expire);
            }
        } else if (now - lastReceivedAt > settings.clientTimeoutMillis() / 3 && now - lastPingAt > settings.clientTimeoutMillis() / 3) {
            // a live client (the official one included) answers a WebSocket ping with a pong
            lastPingAt = now;
            connection.ping();
        }
    }

    private boolean loginLate(long now) {
        return state != State.AUTHENTICATED && !loginPending && now - openedAt > settings.authTimeoutMillis();
    }

    private boolean silent(long now) {
        return now - lastReceivedAt > settings.silenceLimitMillis();
    }

    private void expire() {
        long now = clock.getAsLong();
        if (state == State.CLOSED) {
            return;
        }
        if (loginLate(now)) {
            metrics.loginRefused(NodeMetrics.Refusal.TIMEOUT);
            onClosed(); // over: nothing the strategies answer later changes that
            connection.send(ConnectionMessage.error(ConnectionMessage.Action.AUTHENTICATION_TIMEOUT,
                    "no successful login within " + settings.authTimeoutMillis() + " ms"));
            connection.close(CloseCode.POLICY_VIOLATION, "authentication timeout");
        } else if (silent(now)) {
            LOG.atDebug().log(() -> connection.describe() + " silent past the client timeout; closing");
            // released now: a vanished client never answers the close handshake Vert.x waits for
            onClosed();
            connection.close(CloseCode.GOING_AWAY, "client timeout: nothing received for "
                    + settings.clientTimeoutMillis() + " ms");
        } else {
            // a login or a message arrived after the sweep looked: nothing expired after all
            expiring.set(false);
        }
    }

    /** A disconnect order refuses this user's logins for now: the refusal, with until when; else the login. */
    private LoginOutcome refusedForNow(LoginOutcome.Accepted accepted) {
        long until = accepted.username() == null ? 0 : disconnects.refusedUntil(accepted.username());
        if (until == 0) {
            return accepted;
        }
        return new LoginOutcome.Refused(JsonText.write(Map.of("error", "logins of this user are refused until "
                + Instant.ofEpochMilli(until))));
    }

    /** Whether this session is logged in as {@code name}. Any thread. */
    public boolean isLoggedInAs(String name) {
        return name.equals(username) && state == State.AUTHENTICATED;
    }

    /** Closes the connection with a close frame (e.g. the node is stopping). */
    public void close(short status, String reason) {
        connection.close(status, reason);
    }

    private static boolean isConnection(Message message, ConnectionMessage.Action action) {
        return message instanceof ConnectionMessage c && c.action() == action;
    }
}
