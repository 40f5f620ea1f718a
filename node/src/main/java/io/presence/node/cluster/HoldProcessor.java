package io.presence.node.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * Adds or removes one member from a username's holders, atomically on the entry's partition, and
 * returns the transition this caused (or null). The first holder creates the entry (online); the
 * last one to leave deletes it (offline).
 *
 * <p>The version of a transition is {@code max(previous + 1, proposedVersion)}: the caller
 * proposes its clock in microseconds, so versions keep growing after an entry is deleted and
 * created again. Primary and backup compute the same result, since nothing here reads a clock.
 */
public final class HoldProcessor implements EntryProcessor<String, UserHolders, ChangeMessage>,
        IdentifiedDataSerializable {

    private boolean hold;
    private UUID member;
    private long proposedVersion;

    public HoldProcessor() {
        // for deserialization
    }

    private HoldProcessor(boolean hold, UUID member, long proposedVersion) {
        this.hold = hold;
        this.member = member;
        this.proposedVersion = proposedVersion;
    }

    static HoldProcessor hold(UUID member, long proposedVersion) {
        return new HoldProcessor(true, member, proposedVersion);
    }

    static HoldProcessor release(UUID member, long proposedVersion) {
        return new HoldProcessor(false, member, proposedVersion);
    }

    @Override
    public ChangeMessage process(Map.Entry<String, UserHolders> entry) {
        UserHolders current = entry.getValue();
        if (hold) {
            if (current == null) {
                long version = Math.max(1, proposedVersion);
                entry.setValue(new UserHolders(version, new UUID[] {member}));
                return new ChangeMessage(entry.getKey(), true, version);
            }
            if (!current.isHeldBy(member)) {
                entry.setValue(current.with(member));
            }
            return null;
        }
        if (current == null || !current.isHeldBy(member)) {
            return null;
        }
        return ChangeMessage.release(entry, current, current.without(member), proposedVersion);
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.HOLD_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(hold);
        PresenceSerialization.writeUuid(out, member);
        out.writeLong(proposedVersion);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        hold = in.readBoolean();
        member = PresenceSerialization.readUuid(in);
        proposedVersion = in.readLong();
    }
}
