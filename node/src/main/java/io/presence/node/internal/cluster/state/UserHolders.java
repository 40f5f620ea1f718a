package io.presence.node.internal.cluster.state;

import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The stored value of a username: which members hold sessions of it, and the version of its
 * latest transition. Immutable. The two transitions live here: the first holder makes the user
 * online, and the last one to let go makes it offline, leaving a tombstone (no holders) that
 * expires after {@link #TOMBSTONE_MILLIS}.
 *
 * <p>A transition's version is {@code max(previous + 1, decidedAt)}. The tombstone keeps
 * {@code previous} for a login that follows a logout, even one whose request was sent before the
 * logout's and ran after it (operations wait while partitions are repaired after a member left);
 * {@code decidedAt} is the cluster's clock in microseconds ({@link DecisionTime}), for when even
 * the tombstone has gone. Nothing here reads a clock, so an entry processor's primary and backup
 * compute the same. A request also names itself ({@code request}: its sender's clock when it
 * asked), so that a retry of the request that made the latest transition is recognised.
 *
 * <p>With webhooks on, each transition is also recorded in the entry as a {@link PendingEvent}
 * until the member that sends it has delivered it: kept in the cluster (and its backup), not only
 * in the sender's memory, so that another member takes it over when the sender dies. An entry
 * whose user is offline but still has undelivered events is kept for {@link #PENDING_MILLIS}.
 */
public final class UserHolders implements IdentifiedDataSerializable {

    /** The map of these entries, one per username: the cluster's record of who is online. */
    public static final String MAP = "presence-users";

    /** How long a logged-out user's version is kept: longer than any operation waits for a partition. */
    static final long TOMBSTONE_MILLIS = 60_000;
    /** How long an offline user's entry is kept while a webhook event of it is undelivered. */
    static final long PENDING_MILLIS = 15 * 60_000;
    /** Undelivered events one user may have at most; past it the oldest go (a receiver long down). */
    static final int MAX_PENDING = 64;
    private static final PendingEvent[] NONE = new PendingEvent[0];

    /** A transition to be sent by {@code sender}, in version order behind those before it. */
    public record PendingEvent(long version, boolean online, UUID sender) {
    }

    private long version;
    private UUID[] members;
    private PendingEvent[] pending = NONE;
    /**
     * The proposed version of the request that made the latest transition (0: unknown). Hazelcast
     * retries an entry processor on a partition's new owner when the old one applied it (and its
     * backup) but died before answering; the retry finds its own transition made, and is answered
     * with it again instead of "nothing changed", so that its sender publishes it and sends its
     * webhook event. A node's own retry after a failure (a timeout, a backup that never
     * acknowledged) is a new request; it is recognised by the transition's undelivered webhook
     * event, which names it as the sender.
     */
    private long cause;

    public UserHolders() {
        // for deserialization
    }

    public UserHolders(long version, UUID[] members) {
        this(version, members, NONE, 0);
    }

    private UserHolders(long version, UUID[] members, PendingEvent[] pending, long cause) {
        this.version = version;
        this.members = members;
        this.pending = pending;
        this.cause = cause;
    }

    /** Adds {@code member} to the entry's holders; returns the login when it is the first. */
    static Change hold(Map.Entry<String, UserHolders> entry, UUID member, long proposedVersion) {
        return hold(entry, member, proposedVersion, null);
    }

    /** As {@link #hold(Map.Entry, UUID, long, long, UUID)}, decided when it was asked. */
    static Change hold(Map.Entry<String, UserHolders> entry, UUID member, long proposedVersion, UUID sender) {
        return hold(entry, member, proposedVersion, proposedVersion, sender);
    }

    /**
     * As {@link #hold(Map.Entry, UUID, long)}, decided at {@code decidedAt}; a login is also
     * recorded as a webhook event for {@code sender} to send, when not null.
     */
    static Change hold(Map.Entry<String, UserHolders> entry, UUID member, long request, long decidedAt, UUID sender) {
        UserHolders current = entry.getValue();
        PendingEvent[] pending = current == null ? NONE : current.pending;
        if (current == null || current.isTombstone()) {
            long version = Math.max(current == null ? 1 : current.version + 1, decidedAt);
            store(entry, new UserHolders(version, new UUID[] {member}, recorded(pending, version, true, sender), request));
            return new Change(entry.getKey(), true, version, sender != null && pending.length > 0);
        }
        if (!current.isHeldBy(member)) {
            UUID[] more = Arrays.copyOf(current.members, current.members.length + 1);
            more[current.members.length] = member;
            store(entry, new UserHolders(current.version, more, pending, current.cause));
        } else if (current.members[0].equals(member) && (current.isRetryOf(request) || current.undeliveredBy(sender))) {
            return current.again(entry.getKey(), true, sender);
        }
        return null;
    }

    /**
     * Removes the holders that {@code letGo} selects; returns the logout when none is left, null
     * when nothing changed or others still hold the user.
     */
    static Change release(Map.Entry<String, UserHolders> entry, Predicate<UUID> letGo, long proposedVersion) {
        return release(entry, letGo, proposedVersion, null);
    }

    /** As {@link #release(Map.Entry, Predicate, long, long, UUID)}, decided when it was asked. */
    static Change release(Map.Entry<String, UserHolders> entry, Predicate<UUID> letGo, long proposedVersion, UUID sender) {
        return release(entry, letGo, proposedVersion, proposedVersion, sender);
    }

    /**
     * As {@link #release(Map.Entry, Predicate, long)}, decided at {@code decidedAt}; a logout is
     * also recorded as a webhook event for {@code sender} to send, when not null.
     */
    static Change release(Map.Entry<String, UserHolders> entry, Predicate<UUID> letGo, long request, long decidedAt,
                          UUID sender) {
        UserHolders current = entry.getValue();
        if (current == null) {
            return null;
        }
        if (current.isTombstone()) {
            return current.isRetryOf(request) || current.undeliveredBy(sender) ? current.again(entry.getKey(), false, sender) : null;
        }
        UUID[] kept = Arrays.stream(current.members).filter(letGo.negate()).toArray(UUID[]::new);
        if (kept.length == current.members.length) {
            return null;
        }
        if (kept.length > 0) {
            store(entry, new UserHolders(current.version, kept, current.pending, current.cause));
            return null;
        }
        long version = Math.max(current.version + 1, decidedAt);
        PendingEvent[] pending = recorded(current.pending, version, false, sender);
        setOffline(entry, new UserHolders(version, new UUID[0], pending, request));
        return new Change(entry.getKey(), false, version, sender != null && current.pending.length > 0);
    }

    /**
     * Gives the undelivered events of senders that {@code gone} selects to {@code taker}; returns
     * those events, oldest first, or none.
     */
    static List<PendingEvent> takeOver(Map.Entry<String, UserHolders> entry, Predicate<UUID> gone, UUID taker) {
        UserHolders current = entry.getValue();
        if (current == null || current.pending.length == 0) {
            return List.of();
        }
        PendingEvent[] moved = current.pending.clone();
        List<PendingEvent> taken = new java.util.ArrayList<>();
        for (int i = 0; i < moved.length; i++) {
            if (gone.test(moved[i].sender())) {
                moved[i] = new PendingEvent(moved[i].version(), moved[i].online(), taker);
                taken.add(moved[i]);
            }
        }
        if (!taken.isEmpty()) {
            keep(entry, new UserHolders(current.version, current.members, moved, current.cause));
        }
        return taken;
    }

    /** Forgets the event of {@code version}: it was delivered, or given up. */
    static void delivered(Map.Entry<String, UserHolders> entry, long version) {
        UserHolders current = entry.getValue();
        if (current == null) {
            return;
        }
        PendingEvent[] left = Arrays.stream(current.pending).filter(e -> e.version() != version).toArray(PendingEvent[]::new);
        if (left.length != current.pending.length) {
            keep(entry, new UserHolders(current.version, current.members, left, current.cause));
        }
    }

    /** Whether {@code request} is the one that made the latest transition. */
    private boolean isRetryOf(long request) {
        return cause != 0 && cause == request;
    }

    /**
     * Whether the latest transition's webhook event is still to be sent by {@code sender}: it
     * asked for that transition, and asks again because it never learnt the answer (an
     * operation that timed out, a backup that never acknowledged), with a new request.
     */
    private boolean undeliveredBy(UUID sender) {
        if (sender == null || pending.length == 0) {
            return false;
        }
        PendingEvent latest = pending[pending.length - 1];
        return latest.version() == version && latest.online() == !isTombstone() && latest.sender().equals(sender);
    }

    /** The latest transition, told again to the member that asked for it and asks again; nothing is stored. */
    private Change again(String username, boolean online, UUID sender) {
        return new Change(username, online, version, sender != null && !pendingBefore(version).isEmpty());
    }

    /** The oldest undelivered event's version, or -1 when none waits. */
    long oldestPending() {
        return pending.length == 0 ? -1 : pending[0].version();
    }

    /** The undelivered events older than {@code version}, oldest first. */
    public List<PendingEvent> pendingBefore(long version) {
        int n = 0;
        while (n < pending.length && pending[n].version() < version) {
            n++;
        }
        return List.of(pending).subList(0, n);
    }

    List<PendingEvent> pending() {
        return List.of(pending);
    }

    private static PendingEvent[] recorded(PendingEvent[] pending, long version, boolean online, UUID sender) {
        if (sender == null) {
            return pending;
        }
        int from = Math.max(0, pending.length + 1 - MAX_PENDING);
        PendingEvent[] more = Arrays.copyOfRange(pending, from, pending.length + 1);
        more[more.length - 1] = new PendingEvent(version, online, sender);
        return more;
    }

    /** Stores a value as what it is: an online user's for good, an offline user's for a while. */
    private static void keep(Map.Entry<String, UserHolders> entry, UserHolders value) {
        if (value.isTombstone()) {
            setOffline(entry, value);
        } else {
            store(entry, value);
        }
    }

    private static void setOffline(Map.Entry<String, UserHolders> entry, UserHolders value) {
        ((ExtendedMapEntry<String, UserHolders>) entry).setValue(value,
                value.pending.length == 0 ? TOMBSTONE_MILLIS : PENDING_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stores an online user's value, for good (a tombstone it replaces would have expired). */
    private static void store(Map.Entry<String, UserHolders> entry, UserHolders value) {
        ((ExtendedMapEntry<String, UserHolders>) entry).setValue(value, 0, TimeUnit.MILLISECONDS);
    }

    /** A logged-out user's last version, kept for a while: nobody holds it. */
    public boolean isTombstone() {
        return members.length == 0;
    }

    public long version() {
        return version;
    }

    public boolean isHeldBy(UUID member) {
        for (UUID m : members) {
            if (m.equals(member)) {
                return true;
            }
        }
        return false;
    }

    public List<UUID> holders() {
        return List.of(members);
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.USER_HOLDERS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
        out.writeInt(members.length);
        for (UUID m : members) {
            PresenceSerialization.writeUuid(out, m);
        }
        out.writeInt(pending.length);
        for (PendingEvent e : pending) {
            out.writeLong(e.version());
            out.writeBoolean(e.online());
            PresenceSerialization.writeUuid(out, e.sender());
        }
        out.writeLong(cause);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
        members = new UUID[in.readInt()];
        for (int i = 0; i < members.length; i++) {
            members[i] = PresenceSerialization.readUuid(in);
        }
        int n = in.readInt();
        pending = n == 0 ? NONE : new PendingEvent[n];
        for (int i = 0; i < n; i++) {
            pending[i] = new PendingEvent(in.readLong(), in.readBoolean(), PresenceSerialization.readUuid(in));
        }
        cause = in.readLong();
    }

    @Override
    public String toString() {
        return "UserHolders{version=" + version + ", members=" + Arrays.toString(members)
                + (pending.length == 0 ? "" : ", pending=" + Arrays.toString(pending)) + "}";
    }
}
