package io.presence.node.internal.login;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a login gets in. May answer later (a webhook) but never blocks the caller, which
 * is a connection's event loop; the answer may complete on any thread.
 */
public interface Authenticator {

    CompletionStage<LoginOutcome> authenticate(LoginRequest request);
}
