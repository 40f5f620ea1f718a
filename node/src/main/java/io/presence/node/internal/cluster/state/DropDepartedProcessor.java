package io.presence.node.internal.cluster.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
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
 * Keeps only the holders that are alive ({@link LiveHolders}: as the requesting member and the
 * entry's owner see it); deletes the entry (a logout) when none is left. Heals entries that
 * outlived their members, e.g. restored by a split-brain merge. The backup is given the set the
 * primary kept, so the two agree.
 */
public final class DropDepartedProcessor implements EntryProcessor<String, UserHolders, Change>,
        IdentifiedDataSerializable, HazelcastInstanceAware {

    private LiveHolders live;
    private long proposedVersion;
    private DecisionTime decided = new DecisionTime();
    private transient HazelcastInstance owner;
    /** The member running the round, which sends the logouts' webhook events; null when webhooks are off. */
    private UUID sender;

    public DropDepartedProcessor() {
        // for deserialization
    }

    /**
     * @param members   the holders the requester counts as alive
     * @param requester the member asking
     */
    public DropDepartedProcessor(Set<UUID> members, UUID requester, long proposedVersion, UUID sender) {
        this(new LiveHolders(members, requester), proposedVersion, sender);
    }

    private DropDepartedProcessor(LiveHolders live, long proposedVersion, DecisionTime decided, UUID sender) {
        this(live, proposedVersion, sender);
        this.decided = decided;
    }

    private DropDepartedProcessor(LiveHolders live, long proposedVersion, UUID sender) {
        this.live = live;
        this.proposedVersion = proposedVersion;
        this.sender = sender;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance owner) {
        this.owner = owner;
        live.addOwnerView(owner);
    }

    @Override
    public Change process(Map.Entry<String, UserHolders> entry) {
        return UserHolders.release(entry, holder -> !live.isLive(holder), proposedVersion,
                decided.micros(owner, proposedVersion), sender);
    }

    @Override
    public EntryProcessor<String, UserHolders, Change> getBackupProcessor() {
        return new DropDepartedProcessor(live.forBackup(), proposedVersion, decided, sender);
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
        decided.writeTo(out);
        out.writeBoolean(sender != null);
        if (sender != null) {
            PresenceSerialization.writeUuid(out, sender);
        }
        live.writeTo(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        proposedVersion = in.readLong();
        decided = DecisionTime.readFrom(in);
        sender = in.readBoolean() ? PresenceSerialization.readUuid(in) : null;
        live = LiveHolders.readFrom(in);
    }

    @Override
    public String toString() {
        return "DropDepartedProcessor" + Arrays.toString(live.kept().toArray());
    }
}
