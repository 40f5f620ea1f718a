package io.presence.node.internal.cluster.state;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.presence.node.internal.presence.PresenceChange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The one message type of the changes topic: the transitions one cluster call caused. */
public final class ChangeBatch implements IdentifiedDataSerializable {

    private List<Change> changes;
    /** When the cluster decided these changes: the publisher's wall clock, in milliseconds. */
    private long decidedAt;

    public ChangeBatch() {
        // for deserialization
    }

    public ChangeBatch(List<Change> changes, long decidedAt) {
        this.changes = changes;
        this.decidedAt = decidedAt;
    }

    public List<Change> changes() {
        return changes;
    }

    public List<PresenceChange> toPresenceChanges() {
        return toPresenceChanges(changes, decidedAt);
    }

    public static List<PresenceChange> toPresenceChanges(List<Change> changes, long decidedAt) {
        List<PresenceChange> out = new ArrayList<>(changes.size());
        changes.forEach(c -> out.add(c.toPresenceChange(decidedAt)));
        return out;
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.CHANGE_BATCH;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(decidedAt);
        out.writeInt(changes.size());
        for (Change c : changes) {
            c.writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        decidedAt = in.readLong();
        int n = in.readInt();
        changes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Change c = new Change();
            c.readData(in);
            changes.add(c);
        }
    }
}
