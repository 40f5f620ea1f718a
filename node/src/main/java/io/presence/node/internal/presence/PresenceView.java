package io.presence.node.internal.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows of who is online: the last change applied per username, in version order.
 * It is at once what the node's subscribers were told (a change is delivered only when it changes
 * what they were last told, so they see joins and leaves alternate) and what its queries answer,
 * so nobody who was just told "X left" is then told by getAll() that X is online.
 *
 * <p>Written on the presence thread only; {@link #isOnline} and {@link #snapshot} may be read from
 * any thread (an event loop answering a query), and see every change applied before they started.
 */
final class PresenceView {

    /** How long a leave is remembered, so that a late, older join cannot resurrect the user. */
    static final long LEAVE_MEMORY_MILLIS = 5 * 60_000;

    /** The last change applied for a username, and when (for pruning leaves). */
    record Entry(boolean online, long version, long appliedAt) {
    }

    private final ConcurrentHashMap<String, Entry> last = new ConcurrentHashMap<>();
    /** Grows with every change to the set of online users; a snapshot is current while it matches. */
    private volatile long onlineVersion;
    private volatile OnlineSnapshot snapshot = OnlineSnapshot.EMPTY;

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
        if (previous != null || change.online()) {
            onlineVersion++;
        }
        return previous != null || change.online();
    }

    /**
     * Flips what subscribers were told of {@code username}, keeping its version: a change that
     * reconciliation found missing. Returns the state now told.
     */
    boolean correct(String username, long now) {
        Entry wrong = last.get(username);
        boolean online = !wrong.online();
        last.put(username, new Entry(online, wrong.version(), now));
        onlineVersion++;
        return online;
    }

    Entry last(String username) {
        return last.get(username);
    }

    boolean isOnline(String username) {
        Entry e = last.get(username);
        return e != null && e.online();
    }

    /** Every username online, as of now; rebuilt only after the set changed. Any thread. */
    OnlineSnapshot snapshot() {
        OnlineSnapshot current = snapshot;
        long version = onlineVersion;
        if (current.viewVersion() == version) {
            return current;
        }
        List<String> names = new ArrayList<>();
        last.forEach((name, e) -> {
            if (e.online()) {
                names.add(name);
            }
        });
        OnlineSnapshot rebuilt = new OnlineSnapshot(version, names);
        snapshot = rebuilt;
        return rebuilt;
    }

    /** A copy of every entry, to compare with the cluster later. */
    Map<String, Entry> entries() {
        return new HashMap<>(last);
    }

    /** Forgets leaves older than {@link #LEAVE_MEMORY_MILLIS}; joins are kept while the user is online. */
    void forgetOldLeaves(long now) {
        long cutoff = now - LEAVE_MEMORY_MILLIS;
        last.values().removeIf(e -> !e.online() && e.appliedAt() < cutoff);
    }
}
