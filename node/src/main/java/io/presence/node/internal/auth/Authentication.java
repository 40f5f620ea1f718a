package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.config.ConfigException;
import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.UsernameLimit;
import io.presence.protocol.JsonText;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The login strategies a node is configured with, as one {@link Authenticator}: tried in order,
 * the first that knows the user decides. Keeps the files they read up to date.
 */
public final class Authentication implements AutoCloseable {

    private final Authenticator chain;
    private final List<FileStrategy> files = new ArrayList<>();
    private final WorkerExecutor hashing;

    /** @throws ConfigException when a strategy cannot be built from its settings */
    public Authentication(AuthSettings settings, UsernameLimit usernames, Vertx vertx) {
        this.hashing = vertx.createSharedWorkerExecutor("presence-auth-hashing", 2);
        // bounded: a flood of password guesses is told to try again instead of queueing without end
        AtomicInteger queuedHashes = new AtomicInteger();
        int maxQueued = settings.file().maxQueuedHashes();
        Executor offLoop = task -> {
            if (queuedHashes.incrementAndGet() > maxQueued) {
                queuedHashes.decrementAndGet();
                throw new RejectedExecutionException(maxQueued + " password checks are queued already");
            }
            hashing.executeBlocking(() -> {
                try {
                    task.run();
                } finally {
                    queuedHashes.decrementAndGet();
                }
                return null;
            }, false);
        };
        List<Authenticator> strategies = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : settings.strategies()) {
            try {
                strategies.add(switch (name) {
                    case "none" -> new NoneStrategy(usernames);
                    case "file" -> {
                        AuthSettings.FileAuth file = settings.file();
                        PasswordHash hash = file.hash().equalsIgnoreCase("none") ? null
                                : new PasswordHash(file.hash(), file.iterations(), file.keyLength());
                        FileStrategy strategy = new FileStrategy(Path.of(file.users().orElseThrow()), hash, offLoop);
                        files.add(strategy);
                        yield strategy;
                    }
                    case "http" -> new HttpStrategy(vertx, settings.http());
                    case "jwt" -> new JwtStrategy(vertx, settings.jwt());
                    default -> throw new IllegalArgumentException("unknown strategy " + name);
                });
            } catch (RuntimeException e) {
                problems.add("auth " + name + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            hashing.close();
            throw new ConfigException(problems);
        }
        Authenticator decided = strategies.size() == 1 ? strategies.get(0) : new StrategyChain(strategies);
        // a strategy that hands out names (a JWT claim, a webhook's answer) is held to the same bound
        Authenticator bounded = request -> decided.authenticate(request).thenApply(outcome ->
                outcome instanceof LoginOutcome.Accepted accepted && accepted.username() != null
                        && !usernames.fits(accepted.username())
                        ? new LoginOutcome.Refused(JsonText.write(Map.of("error", usernames.rule())))
                        : outcome);
        this.chain = new FailedLoginLimit(bounded, settings.failures());
    }

    public Authenticator authenticator() {
        return chain;
    }

    /** Reads changed users files again; blocking, not on an event loop. */
    public void reloadIfChanged() {
        files.forEach(FileStrategy::reloadIfChanged);
    }

    @Override
    public void close() {
        hashing.close();
    }
}
