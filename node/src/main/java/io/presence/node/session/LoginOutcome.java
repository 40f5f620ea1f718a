package io.presence.node.session;

/** What an {@link Authenticator} made of a login request. */
public sealed interface LoginOutcome {

    /** Logged in; {@code username} is null for an anonymous login, {@code clientData} is JSON or null. */
    record Accepted(String username, String clientData) implements LoginOutcome {
    }

    /** Refused; the client may try again on the same connection. */
    record Refused(String reason) implements LoginOutcome {
    }

    /** The request's data is not usable at all; the connection is closed. */
    record Malformed(String reason) implements LoginOutcome {
    }
}
