package io.presence.node.internal.cluster.state;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;

/** Forgets one user's webhook event of a version: delivered, or given up. */
public final class DeliveredProcessor implements EntryProcessor<String, UserHolders, Object>,
        IdentifiedDataSerializable {

    private long version;

    public DeliveredProcessor() {
        // for deserialization
    }

    public DeliveredProcessor(long version) {
        this.version = version;
    }

    @Override
    public Object process(Map.Entry<String, UserHolders> entry) {
        UserHolders.delivered(entry, version);
        return null;
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.DELIVERED_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
    }
}
