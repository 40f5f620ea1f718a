package io.presence.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.topic.ITopic;
import io.presence.node.presence.DisconnectChannel;
import io.presence.node.presence.DisconnectOrder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Disconnect orders on Hazelcast: a topic every node hears them on, and a map of the refusals
 * still running, each entry expiring (Hazelcast's time to live) when its refusal ends, for nodes
 * that start later.
 */
final class HazelcastDisconnects implements DisconnectChannel {

    static final String TOPIC = "presence-disconnects";
    static final String REFUSALS = "presence-refusals";

    private final ITopic<Order> topic;
    private final IMap<String, Order> refusals;
    private final ClusterWorkers workers;

    HazelcastDisconnects(HazelcastInstance hazelcast, ClusterWorkers workers) {
        this.topic = hazelcast.getTopic(TOPIC);
        this.refusals = hazelcast.getMap(REFUSALS);
        this.workers = workers;
    }

    @Override
    public CompletionStage<Void> publish(DisconnectOrder order) {
        CompletionStage<Void> recorded = CompletableFuture.completedFuture(null);
        long remaining = order.refuseUntilMillis() - System.currentTimeMillis();
        if (remaining > 0) {
            recorded = refusals.setAsync(order.username(), new Order(order), remaining, TimeUnit.MILLISECONDS);
        }
        return recorded.thenCompose(v -> topic.publishAsync(new Order(order)));
    }

    @Override
    public void subscribe(Consumer<DisconnectOrder> listener) {
        topic.addMessageListener(message -> listener.accept(message.getMessageObject().order()));
    }

    @Override
    public CompletionStage<Collection<DisconnectOrder>> standing() {
        return workers.supply(() -> {
            List<DisconnectOrder> orders = new ArrayList<>();
            refusals.values().forEach(o -> orders.add(o.order()));
            return orders;
        });
    }

    /** One order as it travels between members. */
    static final class Order implements IdentifiedDataSerializable {
        private DisconnectOrder order;

        Order() {
        }

        Order(DisconnectOrder order) {
            this.order = order;
        }

        DisconnectOrder order() {
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
}
