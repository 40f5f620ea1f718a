package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failed-login limit on a clock the test moves, with a strategy that knows one password. */
@Tag("unit")
class FailedLoginLimitTest {

    private static final long WINDOW = 60_000;
    private final AtomicLong now = new AtomicLong(1_000_000);
    /** The delayed checks, run when the test says: each is one "second's delay" taken. */
    private final List<Runnable> delayed = new ArrayList<>();
    private final Executor delay = delayed::add;
    private final Authenticator strategy = request -> CompletableFuture.completedFuture(
            "right".equals(request.text("password")) ? new LoginOutcome.Accepted(request.text("username"), null)
                    : new LoginOutcome.Refused("{\"error\":\"wrong\"}"));
    private final FailedLoginLimit limit = new FailedLoginLimit(strategy, new AuthSettings.Failures(5, 3, WINDOW),
            now::get, delay);

    private CompletableFuture<LoginOutcome> login(String address, String username, String password) {
        return limit.authenticate(new LoginRequest(Map.of("username", username, "password", password), null, address, Map.of()))
                .toCompletableFuture();
    }

    private LoginOutcome now(CompletableFuture<LoginOutcome> outcome) throws Exception {
        return outcome.get(1, TimeUnit.SECONDS);
    }

    @Test
    void anAddressPastItsFailuresIsNotCheckedUntilItsWindowEnds() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(LoginOutcome.Refused.class, now(login("198.51.100.1", "user" + i, "guess")));
        }
        LoginOutcome blocked = now(login("198.51.100.1", "someone", "right"));
        assertInstanceOf(LoginOutcome.Throttled.class, blocked, "even a right password is not checked");
        assertTrue(((LoginOutcome.Throttled) blocked).reason().contains("198.51.100.1"), blocked.toString());
        assertEquals(WINDOW, ((LoginOutcome.Throttled) blocked).retryAfterMillis());
        assertInstanceOf(LoginOutcome.Accepted.class, now(login("198.51.100.2", "someone", "right")),
                "another address is not affected");

        now.addAndGet(WINDOW);
        assertInstanceOf(LoginOutcome.Accepted.class, now(login("198.51.100.1", "someone", "right")));
    }

    @Test
    void aUsernameGuessedFromManyAddressesIsSlowedButItsOwnerStillGetsIn() throws Exception {
        for (int i = 0; i < 3; i++) {
            now(login("203.0.113." + i, "alex", "guess"));
        }
        CompletableFuture<LoginOutcome> guess = login("203.0.113.9", "alex", "guess");
        assertTrue(!guess.isDone() && delayed.size() == 1, "the fourth guess waits for its delay");
        delayed.remove(0).run();
        assertInstanceOf(LoginOutcome.Refused.class, now(guess));

        CompletableFuture<LoginOutcome> owner = login("192.0.2.1", "alex", "right");
        assertEquals(1, delayed.size(), "the owner waits too, but is not refused");
        delayed.remove(0).run();
        assertInstanceOf(LoginOutcome.Accepted.class, now(owner));
        assertTrue(login("192.0.2.1", "alex", "right").isDone(), "a success ends the slowing");
    }
}
