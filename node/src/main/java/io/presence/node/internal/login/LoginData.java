package io.presence.node.internal.login;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presence.node.internal.access.Requester;

import java.util.Map;

/** The JSON a login carries, read: the auth data a client sends, and the server data a strategy gives. */
public final class LoginData {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoginData() {
    }

    /**
     * The auth data of an AUTH request: a JSON object (none at all is an empty one).
     *
     * @throws IllegalArgumentException when it is not JSON, or not an object
     */
    public static Map<String, Object> parse(String authJson) {
        if (authJson == null || authJson.isBlank()) {
            return Map.of();
        }
        Object value;
        try {
            value = JSON.readValue(authJson, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("login data is not valid JSON");
        }
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("login data must be a JSON object");
        }
        // Jackson reads a JSON object as a map whose keys are its names: strings. No conversion
        // pass (it would write the map out and read it back, on every login)
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        return object;
    }

    /** The logged-in user as permission rules see it; server data that is not JSON counts as none. */
    public static Requester requester(String username, String serverData) {
        Object data = null;
        if (serverData != null) {
            try {
                data = JSON.readValue(serverData, Object.class);
            } catch (JsonProcessingException e) {
                data = null;
            }
        }
        return new Requester(username, username != null, data);
    }
}
