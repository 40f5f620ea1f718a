package io.presence.node.internal.presence;

/**
 * A cluster-wide transition of one username: its first session anywhere opened ({@code online}) or
 * its last one closed. {@code version} grows with every transition of that username, so a node
 * can drop a change that arrives after a newer one. {@code decidedAt} is when the cluster decided
 * it, on the deciding node's wall clock (0 when not known, e.g. for a change read back from the
 * map), for the notification-lag figure only.
 */
public record PresenceChange(String username, boolean online, long version, long decidedAt) {

    public PresenceChange(String username, boolean online, long version) {
        this(username, online, version, 0);
    }
}
