package io.presence.node.internal.access;

/**
 * The presence requests that permissions decide, as deepstream's rules name them; and DISCONNECT
 * (closing a user's connections from the server), ours, which a presence pattern's
 * {@code disconnect} rule decides instead of its {@code allow} rule.
 */
public enum PresenceAction {
    SUBSCRIBE, SUBSCRIBE_ALL, QUERY, QUERY_ALL, DISCONNECT;

    /** The rule type of a presence pattern that decides this action. */
    String ruleType() {
        return this == DISCONNECT ? "disconnect" : "allow";
    }
}
