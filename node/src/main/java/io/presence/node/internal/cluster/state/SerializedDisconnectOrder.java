package io.presence.node.internal.cluster.state;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.presence.node.internal.presence.DisconnectOrder;

import java.io.IOException;

/** A disconnect order as it travels between members and as the refusals map keeps it. */
public final class SerializedDisconnectOrder implements IdentifiedDataSerializable {

    private DisconnectOrder order;

    public SerializedDisconnectOrder() {
    }

    public SerializedDisconnectOrder(DisconnectOrder order) {
        this.order = order;
    }

    public DisconnectOrder order() {
        return order;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(order.username());
        out.writeString(order.reason());
        out.writeString(order.by());
        out.writeLong(order.refuseUntilMillis());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        order = new DisconnectOrder(in.readString(), in.readString(), in.readString(), in.readLong());
    }

    @Override
    public int getFactoryId() {
        return PresenceSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return PresenceSerialization.DISCONNECT_ORDER;
    }
}
