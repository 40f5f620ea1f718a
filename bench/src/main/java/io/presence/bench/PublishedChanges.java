package io.presence.bench;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of the nodes' changes topic, written from outside the node: the layout of the node's
 * {@code cluster.state.ChangeBatch} and {@code cluster.state.Change} (the node's serialization factory reads it),
 * kept apart so that the generator does not reach into the node's internals. RemoteChangesSmokeTest
 * fails when the two drift apart.
 */
final class PublishedChanges implements IdentifiedDataSerializable {

    static final String TOPIC = "presence-changes";
    private static final int FACTORY_ID = 7070;
    private static final int CHANGE_BATCH = 7;

    private record Transition(String username, boolean online, long version) {
    }

    private final long decidedAt;
    private final List<Transition> transitions = new ArrayList<>();

    PublishedChanges(long decidedAt) {
        this.decidedAt = decidedAt;
    }

    void add(String username, boolean online, long version) {
        transitions.add(new Transition(username, online, version));
    }

    @Override
    public int getFactoryId() {
        return FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CHANGE_BATCH;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(decidedAt);
        out.writeInt(transitions.size());
        for (Transition t : transitions) {
            out.writeString(t.username());
            out.writeBoolean(t.online());
            out.writeLong(t.version());
            out.writeBoolean(false); // not behind older webhook events: these have none
        }
    }

    @Override
    public void readData(ObjectDataInput in) {
        throw new UnsupportedOperationException("only published");
    }
}
