package io.presence.node.internal.cluster.state;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.Predicate;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Selects the entries with an undelivered webhook event whose sender is no longer a member. */
public final class OrphanedEventsPredicate implements Predicate<String, UserHolders>, IdentifiedDataSerializable {

    /**
     * Where a data member says it left such events (the logouts of nodes that went), so that a
     * node looks for them at once rather than at its next reconciliation round.
     */
    public static final String TOPIC = "presence-orphaned-events";

    private Set<UUID> members;

    public OrphanedEventsPredicate() {
        // for deserialization
    }

    public OrphanedEventsPredicate(Set<UUID> members) {
        this.members = members;
    }

    @Override
    public boolean apply(Map.Entry<String, UserHolders> entry) {
        UserHolders holders = entry.getValue();
        if (holders == null) {
            return false;
        }
        for (UserHolders.PendingEvent e : holders.pending()) {
            if (!members.contains(e.sender())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.ORPHANED_EVENTS_PREDICATE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        PresenceSerialization.writeUuids(out, members);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        members = PresenceSerialization.readUuids(in);
    }
}
