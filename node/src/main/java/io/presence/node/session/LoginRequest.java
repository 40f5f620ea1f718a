package io.presence.node.session;

import java.util.Map;

/**
 * A login as the strategies see it: the object the client passed to {@code login(...)}, parsed
 * (an empty map when it passed none) and as the JSON text it sent, and where it came from.
 *
 * @param headers the WebSocket upgrade request's headers, names in lower case
 */
public record LoginRequest(Map<String, Object> authData, String authJson, String remoteAddress,
                           Map<String, String> headers) {

    public LoginRequest {
        authData = authData == null ? Map.of() : authData;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
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
