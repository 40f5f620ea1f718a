package io.presence.node.session;

/** The limits every session enforces; taken from the node configuration. */
public record SessionSettings(long authTimeoutMillis, long heartbeatMillis, int maxAuthAttempts) {
}
