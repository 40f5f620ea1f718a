package io.presence.node.internal.presence;

/**
 * One session's hold on its user, taken at its login and released when it closes: the user is
 * online in the cluster while any session on any node holds them. Released once, on the
 * session's own thread.
 */
public final class UserHold {

    /** An anonymous session's: it holds no one. */
    public static final UserHold NONE = new UserHold(null, null);

    private final PresenceService presence;
    private final String username;
    private boolean released;

    UserHold(PresenceService presence, String username) {
        this.presence = presence;
        this.username = username;
    }

    /** Lets go of the user; the last hold on them anywhere logs them out. Again: nothing. */
    public void release() {
        if (presence != null && !released) {
            released = true;
            presence.sessionClosed(username);
        }
    }
}
