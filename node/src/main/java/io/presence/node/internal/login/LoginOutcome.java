package io.presence.node.internal.login;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.protocol.JsonText;

import java.util.Map;

/** What an {@link Authenticator} made of a login request. */
public sealed interface LoginOutcome {

    /** How the metrics count a login that ends with this outcome refused. */
    default NodeMetrics.Refusal refusal() {
        return NodeMetrics.Refusal.REFUSED;
    }

    /** What a refused client is told (JSON text, or a plain reason); null: nothing but the refusal. */
    default String refusalData() {
        return null;
    }

    /**
     * Logged in; {@code username} is null for an anonymous login. {@code clientData} (JSON text or
     * null) goes back to the client with AUTH_SUCCESSFUL; {@code serverData} (JSON text or null)
     * stays on the server, for permission rules ({@code user.data}).
     */
    record Accepted(String username, String clientData, String serverData) implements LoginOutcome {
        public Accepted(String username, String clientData) {
            this(username, clientData, null);
        }
    }

    /** Refused; {@code clientData} (JSON text or null) goes back with AUTH_UNSUCCESSFUL. The client may try again. */
    record Refused(String clientData) implements LoginOutcome {
        @Override
        public String refusalData() {
            return clientData;
        }
    }

    /**
     * Not checked: too many logins failed from where it came lately, or too many are being
     * checked now. {@code reason} (plain text) goes back to the client; it may try again after
     * {@code retryAfterMillis}.
     */
    record Throttled(String reason, long retryAfterMillis) implements LoginOutcome {
        @Override
        public NodeMetrics.Refusal refusal() {
            return NodeMetrics.Refusal.THROTTLED;
        }

        /** The client is told why as a WebSocket refusal's data is told: JSON, {@code {"error": reason}}. */
        @Override
        public String refusalData() {
            return JsonText.write(Map.of("error", reason));
        }
    }

    /** The request's data is not usable at all; the connection is closed. */
    record Malformed(String reason) implements LoginOutcome {
        @Override
        public NodeMetrics.Refusal refusal() {
            return NodeMetrics.Refusal.MALFORMED;
        }

        @Override
        public String refusalData() {
            return reason;
        }
    }

    /**
     * This strategy does not know the user: the next one decides. When none knows it, the login is
     * refused with the last {@code clientData} given here (JSON text, or null).
     */
    record Unknown(String clientData) implements LoginOutcome {
        @Override
        public String refusalData() {
            return clientData;
        }
    }
}
