package io.presence.client;

import java.util.Objects;
import java.util.Optional;

/** The outcome of a login: accepted (with optional client data) or refused (with the server's reason). */
public final class LoginResult {

    private final boolean loggedIn;
    private final String clientData;
    private final String reason;

    private LoginResult(boolean loggedIn, String clientData, String reason) {
        this.loggedIn = loggedIn;
        this.clientData = clientData;
        this.reason = reason;
    }

    public static LoginResult accepted(String clientDataJson) {
        return new LoginResult(true, clientDataJson, null);
    }

    public static LoginResult refused(String reasonJson) {
        return new LoginResult(false, null, reasonJson);
    }

    public boolean isLoggedIn() {
        return loggedIn;
    }

    /** The server's client data as JSON text, when it sent any. */
    public Optional<String> clientData() {
        return Optional.ofNullable(clientData);
    }

    /** Why the login was refused, as the server's JSON text; empty when logged in. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoginResult r && r.loggedIn == loggedIn
                && Objects.equals(r.clientData, clientData) && Objects.equals(r.reason, reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(loggedIn, clientData, reason);
    }

    @Override
    public String toString() {
        return loggedIn ? "LoginResult{loggedIn, clientData=" + clientData + "}" : "LoginResult{refused, reason=" + reason + "}";
    }
}
