package io.presence.node.internal.session;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.UsernameLimit;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.node.config.Limits;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.UserData;
import io.presence.node.support.NoPresence;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a connection keeps only for its login (the upgrade request's headers, which a login
 * strategy may read) is let go once the login succeeded, and kept while another attempt may come.
 */
@Tag("unit")
class LoginOnlyStateTest {

    private static final Limits LIMITS = new Limits(50_000, 5_000, 5_000, 100, 500, 10_000, 1_000_000, 10_000, 100, 4_194_304);

    private final FakeConnection connection = new FakeConnection();

    private Session session(Authenticator authenticator) {
        return new SessionFactory(NoPresence.service(), authenticator,
                new SessionSettings(1_000, 3_000, 3, LIMITS, new UsernameLimit(128)), () -> 10_000, new SessionRegistry(),
                PresencePermissions::allowAll, NoPresence.disconnects(), UserData.NONE, NodeMetrics.detached()).open(connection);
    }

    private static void loginAttempt(Session session) {
        session.onMessage(AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"ada\"}"));
    }

    @Test
    void anAcceptedLoginLetsTheLoginOnlyStateGo() {
        Session session = session(request -> CompletableFuture.completedFuture(new LoginOutcome.Accepted("ada", null)));
        session.onMessage(ConnectionMessage.challenge("ws://127.0.0.1/deepstream", "0.1a", "test", "java"));
        loginAttempt(session);
        connection.runEventLoop();
        assertEquals(1, connection.loggedIn);
    }

    @Test
    void aRefusedLoginKeepsItForTheNextAttempt() {
        Session session = session(request -> CompletableFuture.completedFuture(new LoginOutcome.Refused(null)));
        session.onMessage(ConnectionMessage.challenge("ws://127.0.0.1/deepstream", "0.1a", "test", "java"));
        loginAttempt(session);
        loginAttempt(session);
        connection.runEventLoop();
        assertEquals(0, connection.loggedIn);
    }
}
