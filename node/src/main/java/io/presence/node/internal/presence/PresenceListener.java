package io.presence.node.internal.presence;

/**
 * A subscriber to presence changes: in practice one client connection. Called on the presence
 * thread, in version order per username; must not block.
 */
public interface PresenceListener {

    /** Whether a change reached the listener through its subscription to everyone or to that name. */
    enum Scope { EVERYONE, NAMED }

    /** @param decidedAt when the cluster decided the change (wall clock, ms; 0 when not known) */
    void presenceChanged(String username, boolean online, Scope scope, long decidedAt);
}
