package io.presence.node.internal.presence;

import java.util.HashSet;
import java.util.Set;

/**
 * Acts on a discrepancy only once two checks in a row have seen it: a first sighting may be a
 * repair still under way (a node holding a lost entry again, an event still on its way), which
 * must not make anything flap. Thread-safe.
 */
final class SeenTwice<T> {

    private Set<T> previous = Set.of();

    /**
     * Records what this check saw; returns what the previous check saw as well. Those are forgotten
     * (the caller acts on them); the rest wait for the next check.
     */
    public synchronized Set<T> confirm(Set<T> seenNow) {
        Set<T> confirmed = new HashSet<>();
        Set<T> pending = new HashSet<>();
        for (T discrepancy : seenNow) {
            (previous.contains(discrepancy) ? confirmed : pending).add(discrepancy);
        }
        previous = pending;
        return confirmed;
    }

    /** Forgets every pending sighting, e.g. after rebuilding what they were about. */
    public synchronized void forget() {
        previous = Set.of();
    }
}
