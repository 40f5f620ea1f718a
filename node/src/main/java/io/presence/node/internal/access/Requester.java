package io.presence.node.internal.access;

/**
 * Who asks, as a rule sees it ({@code user} in a rule): the logged-in identity, whether it has
 * one, and the server data its login gave (parsed JSON: maps, lists, strings, numbers, booleans).
 */
public record Requester(String id, boolean isAuthenticated, Object data) {

    public static Requester anonymous() {
        return new Requester(null, false, null);
    }
}
