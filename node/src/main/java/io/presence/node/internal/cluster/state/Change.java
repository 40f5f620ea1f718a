package io.presence.node.internal.cluster.state;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.presence.node.internal.presence.PresenceChange;

import java.io.IOException;

/** A transition as an entry processor returns it; published inside a {@link ChangeBatch}. */
public final class Change implements IdentifiedDataSerializable {

    private String username;
    private boolean online;
    private long version;
    /** Recorded as a webhook event behind older undelivered ones of the same user: it waits for them. */
    private boolean behind;

    public Change() {
        // for deserialization
    }

    public Change(String username, boolean online, long version) {
        this(username, online, version, false);
    }

    public Change(String username, boolean online, long version, boolean behind) {
        this.username = username;
        this.online = online;
        this.version = version;
        this.behind = behind;
    }

    public String username() {
        return username;
    }

    public boolean online() {
        return online;
    }

    public long version() {
        return version;
    }

    public boolean behind() {
        return behind;
    }

    public PresenceChange toPresenceChange(long decidedAt) {
        return new PresenceChange(username, online, version, decidedAt);
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.CHANGE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(username);
        out.writeBoolean(online);
        out.writeLong(version);
        out.writeBoolean(behind);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        username = in.readString();
        online = in.readBoolean();
        version = in.readLong();
        behind = in.readBoolean();
    }
}
