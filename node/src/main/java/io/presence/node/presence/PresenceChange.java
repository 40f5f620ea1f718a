package io.presence.node.presence;

/**
 * A cluster-wide transition of one username: its first session anywhere opened ({@code online}) or
 * its last one closed. {@code version} grows with every transition of that username, so a node
 * can drop a change that arrives after a newer one.
 */
public record PresenceChange(String username, boolean online, long version) {
}
