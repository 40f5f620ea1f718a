package io.presence.node.internal.login;

/**
 * The one bound on a username, wherever a stranger can send one: a login, SUBSCRIBE, UNSUBSCRIBE,
 * QUERY and the HTTP API. Without it a name is bounded only by the message size, and each one kept
 * (a subscription) or matched (a permission rule) costs its full length.
 *
 * @param maxLength most characters (code points) a username may have
 */
public record UsernameLimit(int maxLength) {

    public UsernameLimit {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
        }
    }

    /** Whether {@code name} is a username: a non-empty string of at most {@link #maxLength} characters. */
    public boolean fits(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        // UTF-16 units are never fewer than code points: most names need no count
        return name.length() <= maxLength || name.codePointCount(0, name.length()) <= maxLength;
    }

    /** What a username must be, as told to a client that sent one that is not. */
    public String rule() {
        return "usernames must be non-empty strings of at most " + maxLength + " characters";
    }
}
