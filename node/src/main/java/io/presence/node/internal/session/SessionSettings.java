package io.presence.node.internal.session;

import io.presence.node.internal.login.UsernameLimit;
import io.presence.node.config.Limits;

/**
 * The limits every session enforces; taken from the node configuration. Deadlines are checked
 * {@link #SWEEPS_PER_TIMEOUT} times per timeout, and a connection is closed once the next check
 * would come too late, so that it is closed within the timeout, never after it.
 *
 * @param limits    the node's limits; a session enforces the message rate, the subscriptions and
 *                  the names per request
 * @param usernames how long a name in a request may be
 */
public record SessionSettings(long authTimeoutMillis, long clientTimeoutMillis, int maxAuthAttempts, Limits limits,
                              UsernameLimit usernames) {

    public static final int SWEEPS_PER_TIMEOUT = 30;

    /** Silence after which a connection is closed: at most the timeout, at least one sweep short of it. */
    long silenceLimitMillis() {
        return clientTimeoutMillis - clientTimeoutMillis / SWEEPS_PER_TIMEOUT;
    }
}
