package io.presence.client;

/**
 * Where the client's connection stands.
 *
 * <pre>
 *   CONNECTING ──login ok──▶ CONNECTED ──drop──▶ RECONNECTING ──login ok──▶ CONNECTED
 *        └──────────────── close() from any state ──────────────▶ CLOSED
 * </pre>
 */
public enum ConnectionState {
    /** Opening the first connection, or waiting for the first login to succeed. */
    CONNECTING,
    /** Connected and logged in: requests go out at once. */
    CONNECTED,
    /** The connection dropped; retrying with backoff, then logging in again with the same data. */
    RECONNECTING,
    /** Closed by {@link PresenceClient#close()}; final. */
    CLOSED
}
