package io.presence.node.internal.auth;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import io.presence.node.internal.login.UsernameLimit;
import io.presence.protocol.JsonText;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code none} strategy: the username the client gives is its identity; a login without one
 * is anonymous (authenticated, never shown in presence). For a local cluster or a trusted network.
 */
final class NoneStrategy implements Authenticator {

    private final UsernameLimit usernames;

    NoneStrategy(UsernameLimit usernames) {
        this.usernames = usernames;
    }

    @Override
    public CompletionStage<LoginOutcome> authenticate(LoginRequest request) {
        Object username = request.authData().get("username");
        if (username == null) {
            return done(new LoginOutcome.Accepted(null, null));
        }
        if (!(username instanceof String name) || !usernames.fits(name)) {
            return done(new LoginOutcome.Refused(JsonText.write(Map.of("error", usernames.rule()))));
        }
        return done(new LoginOutcome.Accepted(name, null));
    }

    private static CompletionStage<LoginOutcome> done(LoginOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
