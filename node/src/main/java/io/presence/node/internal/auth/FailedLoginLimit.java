package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts refused logins per address and per username over a fixed window, in front of the
 * strategies, for WebSocket and HTTP callers alike. An address past its limit is not checked
 * until its window ends: a guesser from one place stops there. A username past its limit is
 * checked only after {@link #USERNAME_DELAY_MILLIS}: guessers from many places gain one try a
 * second at most, while the real user, whose right password still works, waits a second.
 * Thread-safe; memory is bounded by {@link #MAX_TRACKED} keys per kind.
 */
final class FailedLoginLimit implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(FailedLoginLimit.class);
    static final long USERNAME_DELAY_MILLIS = 1000;
    /** Addresses or usernames counted at most; past it, expired ones are dropped, then new ones go uncounted. */
    static final int MAX_TRACKED = 50_000;

    /** Refusals of one key since {@code startMillis}. */
    private record Window(long startMillis, int failures) {
    }

    private final Authenticator strategies;
    private final AuthSettings.Failures limits;
    private final LongSupplier nowMillis;
    private final Executor delayed;
    private final ConcurrentHashMap<String, Window> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Window> byUsername = new ConcurrentHashMap<>();
    private final AtomicLong lastPurge = new AtomicLong(Long.MIN_VALUE / 2);

    FailedLoginLimit(Authenticator strategies, AuthSettings.Failures limits, LongSupplier nowMillis, Executor delayed) {
        this.strategies = strategies;
        this.limits = limits;
        this.nowMillis = nowMillis;
        this.delayed = delayed;
    }

    FailedLoginLimit(Authenticator strategies, AuthSettings.Failures limits) {
        this(strategies, limits, () -> System.nanoTime() / 1_000_000,
                CompletableFuture.delayedExecutor(USERNAME_DELAY_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Override
    public CompletionStage<LoginOutcome> authenticate(LoginRequest request) {
        String address = request.remoteAddress();
        String username = request.text("username");
        long now = nowMillis.getAsLong();
        long blockedFor = remaining(byAddress, address, limits.perAddress(), now);
        if (blockedFor > 0) {
            return CompletableFuture.completedFuture(new LoginOutcome.Throttled("too many failed logins from "
                    + address + "; try again in " + Math.max(1, blockedFor / 1000) + " s", blockedFor));
        }
        CompletionStage<LoginOutcome> decision = remaining(byUsername, username, limits.perUsername(), now) > 0
                ? CompletableFuture.runAsync(() -> { }, delayed).thenCompose(v -> strategies.authenticate(request))
                : strategies.authenticate(request);
        return decision.thenApply(outcome -> {
            if (outcome instanceof LoginOutcome.Refused || outcome instanceof LoginOutcome.Unknown) {
                long at = nowMillis.getAsLong();
                count(byAddress, address, at);
                count(byUsername, username, at);
            } else if (outcome instanceof LoginOutcome.Accepted && username != null) {
                byUsername.remove(username);
            }
            return outcome;
        });
    }

    /** How long {@code key} stays over {@code limit} refusals, or 0 when it is not. */
    private long remaining(ConcurrentHashMap<String, Window> windows, String key, int limit, long now) {
        Window w = key == null ? null : windows.get(key);
        if (w == null || w.failures() < limit) {
            return 0;
        }
        return Math.max(0, w.startMillis() + limits.windowMillis() - now);
    }

    private void count(ConcurrentHashMap<String, Window> windows, String key, long now) {
        if (key == null) {
            return;
        }
        if (windows.size() >= MAX_TRACKED && !windows.containsKey(key)) {
            // a scan of every key, so at most once a second however many new keys come
            long last = lastPurge.get();
            if (now - last >= 1000 && lastPurge.compareAndSet(last, now)) {
                windows.values().removeIf(w -> now - w.startMillis() >= limits.windowMillis());
            }
            if (windows.size() >= MAX_TRACKED) {
                LOG.debug("{} failed-login keys counted already; this one goes uncounted", MAX_TRACKED);
                return;
            }
        }
        windows.merge(key, new Window(now, 1), (old, one) -> now - old.startMillis() >= limits.windowMillis()
                ? one : new Window(old.startMillis(), old.failures() + 1));
    }
}
