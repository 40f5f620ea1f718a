package io.presence.node.session;

/** The WebSocket close codes the node sends (RFC 6455, section 7.4.1), in one place. */
public final class CloseCode {

    /** The node is stopping or the client went silent: clients reconnect, elsewhere if they can. */
    public static final short GOING_AWAY = 1001;
    /** The client broke a rule (no login in time, too many refused logins, reading too slowly). */
    public static final short POLICY_VIOLATION = 1008;

    private CloseCode() {
    }
}
