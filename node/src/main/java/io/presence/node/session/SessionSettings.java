package io.presence.node.session;

/**
 * The limits every session enforces; taken from the node configuration. Deadlines are checked
 * {@link #SWEEPS_PER_TIMEOUT} times per timeout, and a connection is closed once the next check
 * would come too late, so that it is closed within the timeout, never after it.
 *
 * @param messagesPerSecond messages a connection may send a second, on average
 * @param messageBurst      messages it may send at once
 * @param maxSubscriptions  names one connection may be subscribed to at a time
 * @param maxNodeSubscriptions subscriptions to names all sessions of the node may hold together
 * @param maxRequestNames   names in one SUBSCRIBE, UNSUBSCRIBE or QUERY
 * @param usernames         how long a name in a request may be
 */
public record SessionSettings(long authTimeoutMillis, long clientTimeoutMillis, int maxAuthAttempts,
                              int messagesPerSecond, int messageBurst, int maxSubscriptions, int maxNodeSubscriptions, int maxRequestNames,
                              UsernameLimit usernames) {

    public static final int SWEEPS_PER_TIMEOUT = 30;

    /** Silence after which a connection is closed: at most the timeout, at least one sweep short of it. */
    long silenceLimitMillis() {
        return clientTimeoutMillis - clientTimeoutMillis / SWEEPS_PER_TIMEOUT;
    }
}
