package io.presence.node.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Open authentication: any well-formed login gets in. {@code {"username":"..."}} logs in as that
 * user; {@code {}} (no username) is an anonymous session that never shows in presence.
 */
public final class OpenAuthenticator implements Authenticator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxUsernameLength;

    public OpenAuthenticator(int maxUsernameLength) {
        this.maxUsernameLength = maxUsernameLength;
    }

    @Override
    public LoginOutcome authenticate(String authData) {
        if (authData == null) {
            return new LoginOutcome.Accepted(null, null);
        }
        JsonNode data;
        try {
            data = JSON.readTree(authData);
        } catch (JsonProcessingException e) {
            return new LoginOutcome.Malformed("login data is not valid JSON");
        }
        if (data == null || data.isMissingNode()) {
            return new LoginOutcome.Accepted(null, null);
        }
        if (!data.isObject()) {
            return new LoginOutcome.Malformed("login data must be a JSON object");
        }
        JsonNode username = data.get("username");
        if (username == null || username.isNull()) {
            return new LoginOutcome.Accepted(null, null);
        }
        if (!username.isTextual() || username.textValue().isEmpty()
                || username.textValue().codePointCount(0, username.textValue().length()) > maxUsernameLength) {
            return new LoginOutcome.Refused("username must be a non-empty string of at most "
                    + maxUsernameLength + " characters");
        }
        return new LoginOutcome.Accepted(username.textValue(), null);
    }
}
