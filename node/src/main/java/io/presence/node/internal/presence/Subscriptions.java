package io.presence.node.internal.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who listens to what: listeners subscribed to everyone, and listeners subscribed to single
 * names. A plain data structure, confined to the presence thread by its owner; only its count
 * may be read from other threads.
 */
final class Subscriptions {

    /** Receives one delivery target of a change. */
    interface Target {
        void accept(PresenceListener listener, PresenceListener.Scope scope);
    }

    private final Set<PresenceListener> everyone = new LinkedHashSet<>();
    private final Map<String, Set<PresenceListener>> byName = new HashMap<>();
    private final Map<PresenceListener, Set<String>> namesOf = new HashMap<>();
    /** Subscriptions to single names, summed over listeners. */
    private int named;
    /** {@link #count()}, published for readers on other threads. */
    private volatile int count;

    /** False when the listener already was subscribed to everyone. */
    boolean subscribeAll(PresenceListener listener) {
        return counted(everyone.add(listener));
    }

    /** False when the listener was not subscribed to everyone. */
    boolean unsubscribeAll(PresenceListener listener) {
        return counted(everyone.remove(listener));
    }

    /** Subscribes to each name; returns the names that were already subscribed. */
    List<String> subscribe(PresenceListener listener, Collection<String> usernames) {
        return subscribe(listener, usernames, Integer.MAX_VALUE);
    }

    /**
     * Subscribes to each name, unless the listener would then be subscribed to more than
     * {@code limit} names: then to none, and returns null. Otherwise returns the names that were
     * already subscribed.
     */
    List<String> subscribe(PresenceListener listener, Collection<String> usernames, int limit) {
        Set<String> mine = namesOf.getOrDefault(listener, Set.of());
        Set<String> asked = new LinkedHashSet<>(usernames);
        List<String> already = new ArrayList<>();
        for (String name : asked) {
            if (mine.contains(name)) {
                already.add(name);
            }
        }
        if ((long) mine.size() + asked.size() - already.size() > limit) {
            return null;
        }
        Set<String> kept = namesOf.computeIfAbsent(listener, l -> new HashSet<>());
        for (String name : asked) {
            if (kept.add(name)) {
                named++;
                byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(listener);
            }
        }
        counted(true);
        return already;
    }

    /** Unsubscribes from each name; returns the names that were not subscribed. */
    List<String> unsubscribe(PresenceListener listener, Collection<String> usernames) {
        List<String> missing = new ArrayList<>();
        Set<String> mine = namesOf.getOrDefault(listener, Set.of());
        for (String name : new LinkedHashSet<>(usernames)) {
            if (mine.contains(name)) {
                mine.remove(name);
                named--;
                removeNamed(name, listener);
            } else {
                missing.add(name);
            }
        }
        if (mine.isEmpty()) {
            namesOf.remove(listener);
        }
        counted(true);
        return missing;
    }

    /** Drops every subscription of a listener. */
    void remove(PresenceListener listener) {
        everyone.remove(listener);
        Set<String> names = namesOf.remove(listener);
        if (names != null) {
            named -= names.size();
            names.forEach(name -> removeNamed(name, listener));
        }
        counted(true);
    }

    /** One per listener to everyone, one per listener and name. */
    int count() {
        return everyone.size() + named;
    }

    /** {@link #count()} as last published; any thread. */
    int published() {
        return count;
    }

    private boolean counted(boolean result) {
        count = count();
        return result;
    }

    /** Everyone's listeners first, then those of {@code username}: the protocol's order. */
    void forEachTarget(String username, Target target) {
        for (PresenceListener listener : everyone) {
            target.accept(listener, PresenceListener.Scope.EVERYONE);
        }
        Set<PresenceListener> named = byName.get(username);
        if (named != null) {
            for (PresenceListener listener : named) {
                target.accept(listener, PresenceListener.Scope.NAMED);
            }
        }
    }

    private void removeNamed(String name, PresenceListener listener) {
        Set<PresenceListener> listeners = byName.get(name);
        if (listeners != null && listeners.remove(listener) && listeners.isEmpty()) {
            byName.remove(name);
        }
    }
}
