package io.presence.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of the connection's state, as a {@link ConnectionListener} hears it.
 *
 * @param previous      the state before
 * @param current       the state now
 * @param reason        why, when the connection was lost or closed (the server's close code and
 *                      reason, a failed connect, a silent connection); empty for a successful login
 * @param nextAttemptIn when the client tries again, on a change to {@link ConnectionState#RECONNECTING}
 */
public record ConnectionChange(ConnectionState previous, ConnectionState current, Optional<String> reason,
                               Optional<Duration> nextAttemptIn) {

    public ConnectionChange {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(nextAttemptIn, "nextAttemptIn");
    }
}
