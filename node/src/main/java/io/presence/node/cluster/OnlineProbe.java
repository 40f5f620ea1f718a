package io.presence.node.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.util.Map;

/** Answers whether a username has an entry, i.e. is online; reads only, so no backup work. */
public final class OnlineProbe implements EntryProcessor<String, UserHolders, Boolean>, ReadOnly,
        IdentifiedDataSerializable {

    @Override
    public Boolean process(Map.Entry<String, UserHolders> entry) {
        return entry.getValue() != null;
    }

    @Override
    public EntryProcessor<String, UserHolders, Boolean> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.ONLINE_PROBE;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // no state
    }

    @Override
    public void readData(ObjectDataInput in) {
        // no state
    }
}
