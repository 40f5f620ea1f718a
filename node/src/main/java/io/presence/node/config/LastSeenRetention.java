package io.presence.node.config;

/**
 * How long the cluster remembers when each user last went offline ({@code GET /api/presence/{user}}
 * answers it as {@code lastSeen}), and for at most how many users per cluster member: past that,
 * the least recently used go first, so memory stays predictable.
 *
 * @param retentionMillis 0 remembers nothing
 */
public record LastSeenRetention(long retentionMillis, int maxUsers) {

    public boolean enabled() {
        return retentionMillis > 0;
    }
}
