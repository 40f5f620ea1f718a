package io.presence.node.internal.session;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.UsernameLimit;
import io.presence.node.config.Limits;
import io.presence.node.internal.presence.UserData;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.support.NoPresence;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Deadlines are decided on the sweep thread and acted on later, on the connection's event loop:
 * what arrived in between must count.
 */
@Tag("unit")
class SessionDeadlinesTest {

    private static final long AUTH_TIMEOUT = 1_000;
    private static final long CLIENT_TIMEOUT = 3_000;
    private static final Limits LIMITS = new Limits(50_000, 5_000, 5_000, 100, 500, 10_000, 1_000_000, 10_000, 100, 4_194_304);

    private final FakeConnection connection = new FakeConnection();
    private long now = 10_000;
    private final SessionRegistry registry = new SessionRegistry();
    /** Everyone gets in, anonymously, at once. */
    private final Authenticator anyone = request -> CompletableFuture.completedFuture(new LoginOutcome.Accepted(null, null));
    private final Session session = new SessionFactory(NoPresence.service(), anyone,
            new SessionSettings(AUTH_TIMEOUT, CLIENT_TIMEOUT, 3, LIMITS, new UsernameLimit(128)), () -> now, registry, PresencePermissions::allowAll, NoPresence.disconnects(), UserData.NONE, NodeMetrics.detached()).open(connection);

    private List<Object> actions() {
        return connection.sent.stream().map(m -> (Object) (m instanceof AuthMessage a ? a.action()
                : m instanceof ConnectionMessage c ? c.action() : m)).toList();
    }

    private static Message challenge() {
        return ConnectionMessage.challenge("ws://127.0.0.1/deepstream", "0.1a", "test", "java");
    }

    @Test
    void aLoginThatLandsBetweenTheDeadlineCheckAndItsExpiryIsKept() {
        session.onMessage(challenge());
        now += AUTH_TIMEOUT + 1;
        session.checkDeadlines(now);
        session.onMessage(AuthMessage.of(AuthMessage.Action.REQUEST, "{}"));
        connection.runEventLoop();
        assertEquals(List.of(ConnectionMessage.Action.ACCEPT, AuthMessage.Action.AUTH_SUCCESSFUL), actions());
        assertNull(connection.closedWith, "logged in in time for the event loop: not closed");
    }

    @Test
    void aLoginStillBeingDecidedAtTheDeadlineIsWaitedFor() {
        CompletableFuture<LoginOutcome> decision = new CompletableFuture<>();
        Session slow = new SessionFactory(NoPresence.service(), request -> decision,
                new SessionSettings(AUTH_TIMEOUT, CLIENT_TIMEOUT, 3, LIMITS, new UsernameLimit(128)), () -> now, registry, PresencePermissions::allowAll, NoPresence.disconnects(), UserData.NONE, NodeMetrics.detached()).open(connection);
        slow.onMessage(challenge());
        slow.onMessage(AuthMessage.of(AuthMessage.Action.REQUEST, "{}"));
        now += AUTH_TIMEOUT + 1;
        slow.checkDeadlines(now);
        connection.runEventLoop();
        assertNull(connection.closedWith, "sent in time; the strategy is still deciding");
        decision.complete(new LoginOutcome.Accepted(null, null));
        connection.runEventLoop();
        assertEquals(List.of(ConnectionMessage.Action.ACCEPT, AuthMessage.Action.AUTH_SUCCESSFUL), actions());
    }

    @Test
    void aDecisionThatArrivesAfterTheConnectionTimedOutIsDropped() {
        CompletableFuture<LoginOutcome> decision = new CompletableFuture<>();
        Session slow = new SessionFactory(NoPresence.service(), request -> decision,
                new SessionSettings(AUTH_TIMEOUT, CLIENT_TIMEOUT, 3, LIMITS, new UsernameLimit(128)), () -> now, registry, PresencePermissions::allowAll, NoPresence.disconnects(), UserData.NONE, NodeMetrics.detached()).open(connection);
        slow.onMessage(challenge());
        now += AUTH_TIMEOUT + 1;
        slow.checkDeadlines(now);
        connection.runEventLoop();
        assertEquals(CloseCode.POLICY_VIOLATION, connection.closedWith);
        slow.onMessage(AuthMessage.of(AuthMessage.Action.REQUEST, "{}"));
        decision.complete(new LoginOutcome.Accepted(null, null));
        connection.runEventLoop();
        assertEquals(List.of(ConnectionMessage.Action.ACCEPT, ConnectionMessage.Action.AUTHENTICATION_TIMEOUT), actions());
    }

    @Test
    void aMessageThatLandsBetweenTheSilenceCheckAndItsExpiryKeepsTheConnection() {
        session.onMessage(challenge());
        session.onMessage(AuthMessage.of(AuthMessage.Action.REQUEST, "{}"));
        now += CLIENT_TIMEOUT;
        session.checkDeadlines(now);
        session.onMessage(ConnectionMessage.of(ConnectionMessage.Action.PING));
        connection.runEventLoop();
        assertNull(connection.closedWith);
        now += CLIENT_TIMEOUT;
        session.checkDeadlines(now);
        connection.runEventLoop();
        assertEquals(CloseCode.GOING_AWAY, connection.closedWith, "a later silence still closes it");
        assertEquals(0, registry.size(), "and the session is gone from the registry");
    }

    @Test
    void aConnectionThatNeverLogsInIsToldAndClosed() {
        session.onMessage(challenge());
        now += AUTH_TIMEOUT + 1;
        session.checkDeadlines(now);
        connection.runEventLoop();
        assertEquals(List.of(ConnectionMessage.Action.ACCEPT, ConnectionMessage.Action.AUTHENTICATION_TIMEOUT), actions());
        assertEquals(CloseCode.POLICY_VIOLATION, connection.closedWith);
    }
}
