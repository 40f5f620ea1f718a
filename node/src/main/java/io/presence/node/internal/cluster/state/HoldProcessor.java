package io.presence.node.internal.cluster.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * Adds one member to a username's holders, or removes it, atomically on the entry's partition,
 * and returns the transition this caused (or null); see {@link UserHolders} for the rules. A
 * transition's version is the owner's {@link DecisionTime}; {@code proposedVersion}, the asker's
 * clock, identifies the request when Hazelcast retries it.
 */
public final class HoldProcessor implements EntryProcessor<String, UserHolders, Change>,
        IdentifiedDataSerializable, HazelcastInstanceAware {

    private boolean hold;
    private UUID member;
    private long proposedVersion;
    private DecisionTime decided = new DecisionTime();
    private transient HazelcastInstance owner;
    /** The member that sends the transition's webhook event; null when webhooks are off. */
    private UUID sender;

    public HoldProcessor() {
        // for deserialization
    }

    private HoldProcessor(boolean hold, UUID member, long proposedVersion, UUID sender) {
        this.hold = hold;
        this.member = member;
        this.proposedVersion = proposedVersion;
        this.sender = sender;
    }

    /** @param sender the member to send the login's webhook event, or null (webhooks off) */
    public static HoldProcessor hold(UUID member, long proposedVersion, UUID sender) {
        return new HoldProcessor(true, member, proposedVersion, sender);
    }

    /** @param sender the member to send the logout's webhook event, or null (webhooks off) */
    public static HoldProcessor release(UUID member, long proposedVersion, UUID sender) {
        return new HoldProcessor(false, member, proposedVersion, sender);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance owner) {
        this.owner = owner;
    }

    @Override
    public Change process(Map.Entry<String, UserHolders> entry) {
        long decidedAt = decided.micros(owner, proposedVersion);
        return hold
                ? UserHolders.hold(entry, member, proposedVersion, decidedAt, sender)
                : UserHolders.release(entry, member::equals, proposedVersion, decidedAt, sender);
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
        decided.writeTo(out);
        out.writeBoolean(sender != null);
        if (sender != null) {
            PresenceSerialization.writeUuid(out, sender);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        hold = in.readBoolean();
        member = PresenceSerialization.readUuid(in);
        proposedVersion = in.readLong();
        decided = DecisionTime.readFrom(in);
        sender = in.readBoolean() ? PresenceSerialization.readUuid(in) : null;
    }
}
