package io.presence.node.internal.session;

/** The WebSocket close codes the node sends (RFC 6455, section 7.4.1), in one place. */
public final class CloseCode {

    /** The node is stopping or the client went silent: clients reconnect, elsewhere if they can. */
    public static final short GOING_AWAY = 1001;
    /** The client broke a rule (no login in time, too many refused logins, reading too slowly,
     *  sending too fast, too many connections from one address). */
    public static final short POLICY_VIOLATION = 1008;
    /** The node is at a limit for now (connections, logins waiting): retry later, or elsewhere. */
    public static final short TRY_AGAIN_LATER = 1013;
    /** Ours (4000-4999 is for applications): a disconnect order closed the user's connections. */
    public static final short DISCONNECTED = 4000;

    private CloseCode() {
    }
}
