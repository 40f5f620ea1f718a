package io.presence.node.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.presence.node.presence.PresenceChange;

import java.io.IOException;
import java.util.Map;

/** A transition as returned by an entry processor and published on the changes topic. */
public final class ChangeMessage implements IdentifiedDataSerializable {

    private String username;
    private boolean online;
    private long version;

    public ChangeMessage() {
        // for deserialization
    }

    ChangeMessage(String username, boolean online, long version) {
        this.username = username;
        this.online = online;
        this.version = version;
    }

    /**
     * Stores what is left of an entry after some holders let go: while any holder remains the
     * user stays online (no change); when none does the entry is deleted, and that is the logout,
     * its version following the entry's.
     */
    static ChangeMessage release(Map.Entry<String, UserHolders> entry, UserHolders before, UserHolders remaining,
                                 long proposedVersion) {
        if (remaining.holderCount() > 0) {
            entry.setValue(remaining);
            return null;
        }
        entry.setValue(null);
        return new ChangeMessage(entry.getKey(), false, Math.max(before.version() + 1, proposedVersion));
    }

    PresenceChange toChange() {
        return new PresenceChange(username, online, version);
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.CHANGE_MESSAGE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(username);
        out.writeBoolean(online);
        out.writeLong(version);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        username = in.readString();
        online = in.readBoolean();
        version = in.readLong();
    }
}
