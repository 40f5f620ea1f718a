package io.presence.node.cluster;

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
 * <p>A transition's version is {@code max(previous + 1, proposedVersion)}. The tombstone keeps
 * {@code previous} for a login that follows a logout, even one whose request was sent before the
 * logout's and ran after it (operations wait while partitions are repaired after a member left);
 * callers propose their clock in microseconds for when even the tombstone has gone. Nothing here
 * reads a clock, so an entry processor's primary and backup compute the same.
 */
public final class UserHolders implements IdentifiedDataSerializable {

    /** How long a logged-out user's version is kept: longer than any operation waits for a partition. */
    static final long TOMBSTONE_MILLIS = 60_000;

    private long version;
    private UUID[] members;

    public UserHolders() {
        // for deserialization
    }

    UserHolders(long version, UUID[] members) {
        this.version = version;
        this.members = members;
    }

    /** Adds {@code member} to the entry's holders; returns the login when it is the first. */
    static Change hold(Map.Entry<String, UserHolders> entry, UUID member, long proposedVersion) {
        UserHolders current = entry.getValue();
        if (current == null || current.isTombstone()) {
            long version = Math.max(current == null ? 1 : current.version + 1, proposedVersion);
            store(entry, new UserHolders(version, new UUID[] {member}));
            return new Change(entry.getKey(), true, version);
        }
        if (!current.isHeldBy(member)) {
            UUID[] more = Arrays.copyOf(current.members, current.members.length + 1);
            more[current.members.length] = member;
            store(entry, new UserHolders(current.version, more));
        }
        return null;
    }

    /**
     * Removes the holders that {@code letGo} selects; returns the logout when none is left, null
     * when nothing changed or others still hold the user.
     */
    static Change release(Map.Entry<String, UserHolders> entry, Predicate<UUID> letGo, long proposedVersion) {
        UserHolders current = entry.getValue();
        if (current == null || current.isTombstone()) {
            return null;
        }
        UUID[] kept = Arrays.stream(current.members).filter(letGo.negate()).toArray(UUID[]::new);
        if (kept.length == current.members.length) {
            return null;
        }
        if (kept.length > 0) {
            store(entry, new UserHolders(current.version, kept));
            return null;
        }
        long version = Math.max(current.version + 1, proposedVersion);
        ((ExtendedMapEntry<String, UserHolders>) entry).setValue(new UserHolders(version, new UUID[0]),
                TOMBSTONE_MILLIS, TimeUnit.MILLISECONDS);
        return new Change(entry.getKey(), false, version);
    }

    /** Stores an online user's value, for good (a tombstone it replaces would have expired). */
    private static void store(Map.Entry<String, UserHolders> entry, UserHolders value) {
        ((ExtendedMapEntry<String, UserHolders>) entry).setValue(value, 0, TimeUnit.MILLISECONDS);
    }

    /** A logged-out user's last version, kept for a while: nobody holds it. */
    boolean isTombstone() {
        return members.length == 0;
    }

    long version() {
        return version;
    }

    boolean isHeldBy(UUID member) {
        for (UUID m : members) {
            if (m.equals(member)) {
                return true;
            }
        }
        return false;
    }

    List<UUID> holders() {
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
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
        members = new UUID[in.readInt()];
        for (int i = 0; i < members.length; i++) {
            members[i] = PresenceSerialization.readUuid(in);
        }
    }

    @Override
    public String toString() {
        return "UserHolders{version=" + version + ", members=" + Arrays.toString(members) + "}";
    }
}
