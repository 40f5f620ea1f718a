package io.presence.client;

/** Base of every failure the SDK reports; subclasses say which kind. */
public class PresenceException extends RuntimeException {

    public PresenceException(String message) {
        super(message);
    }

    public PresenceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The request could not be sent: no connection within the offline timeout. */
    public static final class ClientOffline extends PresenceException {
        public ClientOffline(String message) {
            super(message);
        }
    }

    /** The connection dropped while the request waited for its answer. */
    public static final class ConnectionLost extends PresenceException {
        public ConnectionLost(String message) {
            super(message);
        }
    }

    /** The client was closed before the request was answered. */
    public static final class ClientClosed extends PresenceException {
        public ClientClosed(String message) {
            super(message);
        }
    }

    /** No answer within the request timeout. */
    public static final class Timeout extends PresenceException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The server answered with an error; {@link #action()} names it (e.g. MESSAGE_DENIED). */
    public static final class ServerError extends PresenceException {
        private final String action;

        public ServerError(String action, String message) {
            super(action + ": " + message);
            this.action = action;
        }

        public String action() {
            return action;
        }
    }
}
