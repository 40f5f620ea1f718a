package io.presence.client.internal;

import io.presence.client.LoginResult;
import io.presence.client.PresenceException;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The login conversation of each connection (CHALLENGE, ACCEPT, AUTH) and what the client logs in
 * with: the last login's data is sent again on every new connection, until the server refuses it
 * for good. Confined to the loop.
 */
final class ClientLogin {

    private static final String SDK_VERSION = "0.1.0";

    private final ClientConnection connection;
    private final Loop loop;
    private final Callbacks callbacks;
    private final Duration offlineTimeout;

    private String authJson;
    private CompletableFuture<LoginResult> pending;
    private boolean everLoggedIn;
    private boolean accepted;
    private boolean loggedIn;

    ClientLogin(ClientConnection connection, Loop loop, Callbacks callbacks, Duration offlineTimeout) {
        this.connection = connection;
        this.loop = loop;
        this.callbacks = callbacks;
        this.offlineTimeout = offlineTimeout;
    }

    /** A login asked for: supersedes one still waiting; fails after the offline timeout without a connection. */
    void start(String json, CompletableFuture<LoginResult> result) {
        if (pending != null) {
            callbacks.fail(pending, new PresenceException("superseded by a newer login"));
        }
        authJson = json;
        pending = result;
        loop.schedule(offlineTimeout.toMillis(), () -> {
            if (pending == result) {
                pending = null;
                callbacks.fail(result, new PresenceException.ClientOffline("no connection within " + offlineTimeout));
            }
        });
        if (!connection.isOpen()) {
            connection.open();
        } else if (accepted) {
            sendAuth();
        }
    }

    void opened(URI url) {
        connection.send(ConnectionMessage.challenge(url.toString(), "0.1a", SDK_VERSION, "java"));
    }

    void accepted() {
        accepted = true;
        if (authJson != null) {
            sendAuth();
        }
    }

    void succeeded(String clientData) {
        loggedIn = true;
        everLoggedIn = true;
        if (pending != null) {
            callbacks.complete(pending, LoginResult.accepted(clientData));
            pending = null;
        }
    }

    /** The server said no; returns false when nobody was waiting for the answer (a login on reconnection). */
    boolean refused(AuthMessage answer) {
        boolean answered = pending != null;
        if (answered) {
            callbacks.complete(pending, LoginResult.refused(answer.data()));
            pending = null;
        }
        if (answer.action() != AuthMessage.Action.AUTH_UNSUCCESSFUL) {
            // the server closes now; reconnecting with the same data would only repeat this
            authJson = null;
            everLoggedIn = false;
        }
        return answered;
    }

    /** The connection is gone; returns whether this client was logged in on it. */
    boolean lost() {
        boolean was = loggedIn;
        accepted = false;
        loggedIn = false;
        return was;
    }

    boolean isLoggedIn() {
        return loggedIn;
    }

    /** A login is owed: one succeeded before, or one waits for an answer. */
    boolean wanted() {
        return everLoggedIn || pending != null;
    }

    void close(PresenceException error) {
        if (pending != null) {
            callbacks.fail(pending, error);
            pending = null;
        }
    }

    private void sendAuth() {
        connection.send(AuthMessage.of(AuthMessage.Action.REQUEST, authJson));
    }
}
