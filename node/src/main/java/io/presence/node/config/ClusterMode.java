package io.presence.node.config;

import java.util.Locale;
import java.util.Optional;

/** How a node reaches the shared presence state (docs/scaling.md says when to pick which). */
public enum ClusterMode {
    /** Every node is a Hazelcast member and keeps a share of the data. */
    EMBEDDED,
    /** The node is a Hazelcast client of a separate cluster of data members; it keeps no data. */
    CLIENT;

    static Optional<ClusterMode> parse(String text) {
        for (ClusterMode mode : values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
