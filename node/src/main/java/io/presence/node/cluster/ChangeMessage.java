package io.presence.node.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.presence.node.presence.PresenceChange;

import java.io.IOException;

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

    /** The logout that deleting {@code last} causes; its version follows the entry's. */
    static ChangeMessage loggedOut(String username, UserHolders last, long proposedVersion) {
        return new ChangeMessage(username, false, Math.max(last.version() + 1, proposedVersion));
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
