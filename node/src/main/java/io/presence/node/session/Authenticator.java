package io.presence.node.session;

/** Decides whether the data a client passed to {@code login(...)} lets it in. */
public interface Authenticator {

    /** @param authData the JSON text of the AUTH REQUEST's data, or null when it had none */
    LoginOutcome authenticate(String authData);
}
