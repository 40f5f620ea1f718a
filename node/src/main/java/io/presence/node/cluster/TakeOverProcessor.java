package io.presence.node.cluster;

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
 * it on an entry first takes that entry's events: each event has one sender at a time.
 */
public final class TakeOverProcessor implements EntryProcessor<String, UserHolders, ChangeBatch>,
        IdentifiedDataSerializable {

    private Set<UUID> members;
    private UUID taker;

    public TakeOverProcessor() {
        // for deserialization
    }

    TakeOverProcessor(Set<UUID> members, UUID taker) {
        this.members = members;
        this.taker = taker;
    }

    @Override
    public ChangeBatch process(Map.Entry<String, UserHolders> entry) {
        UserHolders before = entry.getValue();
        List<UserHolders.PendingEvent> taken = UserHolders.takeOver(entry, sender -> !members.contains(sender), taker);
        if (taken.isEmpty()) {
            return null;
        }
        long oldest = before.oldestPending();
        List<Change> changes = new ArrayList<>(taken.size());
        for (UserHolders.PendingEvent e : taken) {
            changes.add(new Change(entry.getKey(), e.online(), e.version(), e.version() != oldest));
        }
        return new ChangeBatch(changes, 0);
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
        PresenceSerialization.writeUuids(out, members);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        taker = PresenceSerialization.readUuid(in);
        members = PresenceSerialization.readUuids(in);
    }
}
