package io.presence.node.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The stored value of an online username: which members hold sessions of it, and the version of
 * its latest transition. Immutable; an entry exists only while at least one member holds it.
 */
public final class UserHolders implements IdentifiedDataSerializable {

    private long version;
    private UUID[] members;

    public UserHolders() {
        // for deserialization
    }

    UserHolders(long version, UUID[] members) {
        this.version = version;
        this.members = members;
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

    java.util.List<UUID> holders() {
        return java.util.List.of(members);
    }

    int holderCount() {
        return members.length;
    }

    UserHolders with(UUID member) {
        UUID[] more = Arrays.copyOf(members, members.length + 1);
        more[members.length] = member;
        return new UserHolders(version, more);
    }

    UserHolders without(UUID member) {
        return new UserHolders(version, Arrays.stream(members).filter(m -> !m.equals(member)).toArray(UUID[]::new));
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
