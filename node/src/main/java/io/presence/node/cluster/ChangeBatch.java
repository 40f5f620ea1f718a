package io.presence.node.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.presence.node.presence.PresenceChange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Several transitions published as one topic message: a burst of logins costs one publish. */
public final class ChangeBatch implements IdentifiedDataSerializable {

    private List<ChangeMessage> changes;

    public ChangeBatch() {
        // for deserialization
    }

    ChangeBatch(List<ChangeMessage> changes) {
        this.changes = changes;
    }

    List<PresenceChange> toChanges() {
        List<PresenceChange> out = new ArrayList<>(changes.size());
        changes.forEach(c -> out.add(c.toChange()));
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
        out.writeInt(changes.size());
        for (ChangeMessage c : changes) {
            c.writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        changes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ChangeMessage c = new ChangeMessage();
            c.readData(in);
            changes.add(c);
        }
    }
}
