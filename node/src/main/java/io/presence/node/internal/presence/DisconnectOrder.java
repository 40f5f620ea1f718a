package io.presence.node.internal.presence;

/**
 * An order to close every connection of a user on every node: why (the close frame says it), who
 * gave it, and until when (wall clock, epoch milliseconds) that user's logins are refused; 0 for
 * no refusal.
 */
public record DisconnectOrder(String username, String reason, String by, long refuseUntilMillis) {
}
