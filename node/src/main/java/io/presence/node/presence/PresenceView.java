package io.presence.node.presence;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this node last told its subscribers about each username, and at which version: changes
 * published by the cluster are applied in version order, and only those that change what was
 * last told are delivered, so each subscriber sees joins and leaves alternate. A plain data
 * structure; time is passed in.
 */
final class DeliveryLog {

    /** How long a leave is remembered, so that a late, older join cannot resurrect the user. */
    static final long TOMBSTONE_MILLIS = 5 * 60_000;
    /**
     * How long a delivered change overrides the cluster's query answers. Queries read a replica
     * fed by a different event stream than the one that delivers changes; for this long after a
     * change is delivered, answers follow what subscribers were told, so that nobody who was just
     * told "X left" is then told by getAll that X is online.
     */
    static final long RECENT_MILLIS = 5_000;

    /** The last change applied for a username, and when (for pruning leaves). */
    record Entry(boolean online, long version, long appliedAt) {
    }

    private final Map<String, Entry> last = new HashMap<>();
    /** Usernames whose change was delivered in the last {@link #RECENT_MILLIS}, oldest first. */
    private final LinkedHashMap<String, Long> recentlyDelivered = new LinkedHashMap<>();

    /** Records a published change; true when it must be delivered (it changes what subscribers were told). */
    boolean apply(PresenceChange change, long now) {
        Entry previous = last.get(change.username());
        if (previous != null && previous.version() >= change.version()) {
            return false;
        }
        last.put(change.username(), new Entry(change.online(), change.version(), now));
        if (previous != null && previous.online() == change.online()) {
            return false;
        }
        delivered(change.username(), now);
        return true;
    }

    /**
     * Flips what subscribers were told of {@code username}, keeping its version: a change that
     * reconciliation found missing. Returns the state now told.
     */
    boolean correct(String username, long now) {
        Entry wrong = last.get(username);
        boolean online = !wrong.online();
        last.put(username, new Entry(online, wrong.version(), now));
        delivered(username, now);
        return online;
    }

    Entry last(String username) {
        return last.get(username);
    }

    /** A copy of every entry, to compare with the cluster later. */
    Map<String, Entry> snapshot() {
        return Map.copyOf(last);
    }

    /** What was delivered in the last {@link #RECENT_MILLIS}: username to online. */
    Map<String, Boolean> recent(long now) {
        forgetOldDeliveries(now);
        Map<String, Boolean> recent = new HashMap<>();
        recentlyDelivered.keySet().forEach(name -> recent.put(name, last.get(name).online()));
        return recent;
    }

    int recentCount() {
        return recentlyDelivered.size();
    }

    /** Forgets leaves older than {@link #TOMBSTONE_MILLIS}; joins are kept while the user is online. */
    void pruneTombstones(long now) {
        long cutoff = now - TOMBSTONE_MILLIS;
        last.values().removeIf(e -> !e.online() && e.appliedAt() < cutoff);
    }

    private void delivered(String username, long now) {
        recentlyDelivered.remove(username);
        recentlyDelivered.put(username, now);
        forgetOldDeliveries(now);
    }

    /** Oldest first, so this stops at the first one still recent: bounded by a window of changes, queries or not. */
    private void forgetOldDeliveries(long now) {
        long cutoff = now - RECENT_MILLIS;
        for (Iterator<Long> it = recentlyDelivered.values().iterator(); it.hasNext() && it.next() < cutoff; ) {
            it.remove();
        }
    }
}
