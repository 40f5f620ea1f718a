package io.presence.node.support;

import java.util.UUID;

/** Usernames no other test (or earlier run against the same cluster) uses. */
public final class UniqueNames {

    private UniqueNames() {
    }

    /** {@code prefix} and eight random hex digits. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
