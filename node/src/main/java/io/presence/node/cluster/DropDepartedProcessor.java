package io.presence.node.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps only the holders that are current cluster members; deletes the entry (a logout) when
 * none is left. Heals entries that outlived their members, e.g. restored by a split-brain merge.
 * Deterministic, so primary and backup agree.
 */
public final class DropDepartedProcessor implements EntryProcessor<String, UserHolders, Change>,
        IdentifiedDataSerializable {

    private Set<UUID> members;
    private long proposedVersion;
    /** The member running the round, which sends the logouts' webhook events; null when webhooks are off. */
    private UUID sender;

    public DropDepartedProcessor() {
        // for deserialization
    }

    DropDepartedProcessor(Set<UUID> members, long proposedVersion, UUID sender) {
        this.members = members;
        this.proposedVersion = proposedVersion;
        this.sender = sender;
    }

    @Override
    public Change process(Map.Entry<String, UserHolders> entry) {
        return UserHolders.release(entry, holder -> !members.contains(holder), proposedVersion, sender);
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.DROP_DEPARTED_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(proposedVersion);
        out.writeBoolean(sender != null);
        if (sender != null) {
            PresenceSerialization.writeUuid(out, sender);
        }
        PresenceSerialization.writeUuids(out, members);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        proposedVersion = in.readLong();
        sender = in.readBoolean() ? PresenceSerialization.readUuid(in) : null;
        members = PresenceSerialization.readUuids(in);
    }

    @Override
    public String toString() {
        return "DropDepartedProcessor" + Arrays.toString(members.toArray());
    }
}
