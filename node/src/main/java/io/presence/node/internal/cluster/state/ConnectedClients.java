package io.presence.node.internal.cluster.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Asked of every data member before nodes' users are released (client mode): the nodes (Hazelcast
 * clients) connected to it now. A node whose link to one data member broke (a blip, a pause just
 * past the heartbeat timeout) is still connected to the others, and its users stay.
 */
public final class ConnectedClients implements Callable<ArrayList<UUID>>, IdentifiedDataSerializable,
        HazelcastInstanceAware {

    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public ArrayList<UUID> call() {
        return new ArrayList<>(LiveHolders.clients(member));
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.CONNECTED_CLIENTS;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // nothing: the question is the same everywhere
    }

    @Override
    public void readData(ObjectDataInput in) {
        // nothing
    }
}
