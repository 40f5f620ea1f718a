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
 *
 * <p>A member's hold names the member as it was when it asked. Hazelcast retries a call whose
 * target left, and a member that merges back after a split does so under a new UUID: a call made
 * just before the merge can then run on the merged cluster in the old UUID's name, a holder that
 * no member is, whose hold the repair releases at once (a leave and a join for a user whose
 * connection never closed). So the owner refuses a hold for a member it does not count among its
 * members; the asker holds again under the UUID it has now. A client's hold (client mode) is not
 * checked: clients keep their UUID, and the owner's repair judges them by their connections.
 */
public final class HoldProcessor implements EntryProcessor<String, UserHolders, Change>,
        IdentifiedDataSerializable, HazelcastInstanceAware {

    private boolean hold;
    private UUID member;
    /** The holder is a member of the cluster (embedded mode), not a client. */
    private boolean memberHolder;
    /** The primary checked the holder; its backups apply what it decided without a view of their own. */
    private boolean holderChecked;
    private long proposedVersion;
    private DecisionTime decided = new DecisionTime();
    private transient HazelcastInstance owner;
    /** The member that sends the transition's webhook event; null when webhooks are off. */
    private UUID sender;

    public HoldProcessor() {
        // for deserialization
    }

    private HoldProcessor(boolean hold, UUID member, boolean memberHolder, long proposedVersion, UUID sender) {
        this.hold = hold;
        this.member = member;
        this.memberHolder = memberHolder;
        this.proposedVersion = proposedVersion;
        this.sender = sender;
    }

    /**
     * @param memberHolder whether {@code member} is a member of the cluster (embedded mode) rather
     *                     than a client: a member's hold is refused by an owner that does not count it
     * @param sender       the member to send the login's webhook event, or null (webhooks off)
     */
    public static HoldProcessor hold(UUID member, boolean memberHolder, long proposedVersion, UUID sender) {
        return new HoldProcessor(true, member, memberHolder, proposedVersion, sender);
    }

    /** @param sender the member to send the logout's webhook event, or null (webhooks off) */
    public static HoldProcessor release(UUID member, long proposedVersion, UUID sender) {
        return new HoldProcessor(false, member, false, proposedVersion, sender);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance owner) {
        this.owner = owner;
    }

    @Override
    public Change process(Map.Entry<String, UserHolders> entry) {
        if (hold && memberHolder && !holderChecked) {
            if (owner != null && !LiveHolders.isMember(owner, member)) {
                // the caller's batch fails, and it holds again under the UUID it has now
                throw new IllegalStateException("member " + member + " is not a member of this cluster"
                        + " (a member that merged back asked before the merge): not held");
            }
            holderChecked = true;
        }
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
        out.writeBoolean(memberHolder);
        out.writeBoolean(holderChecked);
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
        memberHolder = in.readBoolean();
        holderChecked = in.readBoolean();
        proposedVersion = in.readLong();
        decided = DecisionTime.readFrom(in);
        sender = in.readBoolean() ? PresenceSerialization.readUuid(in) : null;
    }
}
