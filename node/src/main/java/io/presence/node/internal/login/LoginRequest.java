package io.presence.node.internal.login;

import java.util.Collections;
import java.util.Map;

/**
 * A login as the strategies see it: the object the client passed to {@code login(...)}, parsed
 * (an empty map when it passed none) and as the JSON text it sent, and where it came from.
 *
 * @param headers the WebSocket upgrade request's headers, names in lower case (get is case-insensitive)
 */
public record LoginRequest(Map<String, Object> authData, String authJson, String remoteAddress,
                           Map<String, String> headers) {

    public LoginRequest {
        authData = authData == null ? Map.of() : authData;
        // not copied: the connection's headers are read only if a strategy asks
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(headers);
    }

    /** A string field of the auth data, or null when it is missing or not a string. */
    public String text(String field) {
        return authData.get(field) instanceof String s ? s : null;
    }

    /** Never print auth data: it holds passwords and tokens. */
    @Override
    public String toString() {
        return "LoginRequest[from " + remoteAddress + "]";
    }
}
