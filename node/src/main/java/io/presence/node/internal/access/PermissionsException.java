package io.presence.node.internal.access;

import java.util.List;

/** A permissions file that cannot be used; lists every problem found, not just the first. */
public final class PermissionsException extends RuntimeException {

    private final List<String> problems;

    public PermissionsException(String source, List<String> problems) {
        super("invalid permissions in " + source + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
