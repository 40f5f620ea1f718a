package io.presence.node.internal.cluster.state;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.Predicate;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/** Selects the entries that list one member among their holders. */
public final class HeldByPredicate implements Predicate<String, UserHolders>, IdentifiedDataSerializable {

    private UUID member;

    public HeldByPredicate() {
        // for deserialization
    }

    public HeldByPredicate(UUID member) {
        this.member = member;
    }

    @Override
    public boolean apply(Map.Entry<String, UserHolders> entry) {
        UserHolders holders = entry.getValue();
        return holders != null && holders.isHeldBy(member);
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.HELD_BY_PREDICATE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        PresenceSerialization.writeUuid(out, member);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        member = PresenceSerialization.readUuid(in);
    }
}
