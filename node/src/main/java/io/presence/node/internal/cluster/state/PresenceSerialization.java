package io.presence.node.internal.cluster.state;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** Registers the classes that travel between members, with compact hand-written serialization. */
public final class PresenceSerialization implements DataSerializableFactory {

    static final int FACTORY_ID = 7070;
    static final int USER_HOLDERS = 1;
    static final int CHANGE = 2;
    static final int HOLD_PROCESSOR = 3;
    // 4 was a query entry processor, retired when queries came to be answered from each node's view
    static final int HELD_BY_PREDICATE = 5;
    static final int DROP_DEPARTED_PROCESSOR = 6;
    static final int CHANGE_BATCH = 7;
    static final int TAKE_OVER_PROCESSOR = 8;
    static final int DELIVERED_PROCESSOR = 9;
    static final int ORPHANED_EVENTS_PREDICATE = 10;
    static final int DISCONNECT_ORDER = 11;
    static final int CONNECTED_CLIENTS = 12;

    static void writeUuid(ObjectDataOutput out, UUID uuid) throws IOException {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    static UUID readUuid(ObjectDataInput in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    /** A set of members, as the processors and predicates that carry one write it. */
    static void writeUuids(ObjectDataOutput out, Set<UUID> uuids) throws IOException {
        out.writeInt(uuids.size());
        for (UUID m : uuids) {
            writeUuid(out, m);
        }
    }

    static Set<UUID> readUuids(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        Set<UUID> uuids = new HashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            uuids.add(readUuid(in));
        }
        return uuids;
    }

    public static void register(SerializationConfig config) {
        config.addDataSerializableFactory(FACTORY_ID, new PresenceSerialization());
    }

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case USER_HOLDERS -> new UserHolders();
            case CHANGE -> new Change();
            case HOLD_PROCESSOR -> new HoldProcessor();
            case HELD_BY_PREDICATE -> new HeldByPredicate();
            case DROP_DEPARTED_PROCESSOR -> new DropDepartedProcessor();
            case CHANGE_BATCH -> new ChangeBatch();
            case TAKE_OVER_PROCESSOR -> new TakeOverProcessor();
            case DELIVERED_PROCESSOR -> new DeliveredProcessor();
            case ORPHANED_EVENTS_PREDICATE -> new OrphanedEventsPredicate();
            case DISCONNECT_ORDER -> new SerializedDisconnectOrder();
            case CONNECTED_CLIENTS -> new ConnectedClients();
            default -> throw new IllegalArgumentException("unknown presence type " + typeId);
        };
    }
}
