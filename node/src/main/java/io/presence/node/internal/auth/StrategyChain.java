package io.presence.node.internal.auth;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Strategies tried in order: the first to accept or refuse decides; one that does not know the
 * user passes it to the next. When none knows it, the login is refused with what the last one said.
 */
final class StrategyChain implements Authenticator {

    private final List<Authenticator> strategies;

    StrategyChain(List<Authenticator> strategies) {
        this.strategies = List.copyOf(strategies);
    }

    @Override
    public CompletionStage<LoginOutcome> authenticate(LoginRequest request) {
        return tryFrom(0, request, null);
    }

    private CompletionStage<LoginOutcome> tryFrom(int index, LoginRequest request, String lastReason) {
        if (index == strategies.size()) {
            return CompletableFuture.completedFuture(new LoginOutcome.Refused(lastReason));
        }
        return strategies.get(index).authenticate(request).thenCompose(outcome -> outcome instanceof LoginOutcome.Unknown unknown
                ? tryFrom(index + 1, request, unknown.clientData() != null ? unknown.clientData() : lastReason)
                : CompletableFuture.completedFuture(outcome));
    }
}
