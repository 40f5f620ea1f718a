package io.presence.node.internal.cluster.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Gives the undelivered webhook events of senders that are no longer members to the member that
 * runs this, and returns them (as changes, oldest first; null when none). Whichever member runs
 * it on an entry first takes that entry's events: each event has one sender at a time. Alive
 * means as {@link LiveHolders} has it; the backup is given the set the primary kept.
 */
public final class TakeOverProcessor implements EntryProcessor<String, UserHolders, ArrayList<Change>>,
        IdentifiedDataSerializable, HazelcastInstanceAware {

    private LiveHolders live;
    private UUID taker;

    public TakeOverProcessor() {
        // for deserialization
    }

    /** @param taker the member asking, which takes the events over */
    public TakeOverProcessor(Set<UUID> members, UUID taker) {
        this(new LiveHolders(members, taker), taker);
    }

    private TakeOverProcessor(LiveHolders live, UUID taker) {
        this.live = live;
        this.taker = taker;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance owner) {
        live.addOwnerView(owner);
    }

    @Override
    public EntryProcessor<String, UserHolders, ArrayList<Change>> getBackupProcessor() {
        return new TakeOverProcessor(live.forBackup(), taker);
    }

    @Override
    public ArrayList<Change> process(Map.Entry<String, UserHolders> entry) {
        UserHolders before = entry.getValue();
        List<UserHolders.PendingEvent> taken = UserHolders.takeOver(entry, sender -> !live.isLive(sender), taker);
        if (taken.isEmpty()) {
            return null;
        }
        long oldest = before.oldestPending();
        // a list, not a ChangeBatch: that is the topic's message, and these were never published
        ArrayList<Change> changes = new ArrayList<>(taken.size());
        for (UserHolders.PendingEvent e : taken) {
            changes.add(new Change(entry.getKey(), e.online(), e.version(), e.version() != oldest));
        }
        return changes;
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.TAKE_OVER_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        PresenceSerialization.writeUuid(out, taker);
        live.writeTo(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        taker = PresenceSerialization.readUuid(in);
        live = LiveHolders.readFrom(in);
    }
}
