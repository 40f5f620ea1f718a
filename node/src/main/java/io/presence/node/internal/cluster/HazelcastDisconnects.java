package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import io.presence.node.internal.cluster.state.SerializedDisconnectOrder;
import io.presence.node.internal.presence.DisconnectChannel;
import io.presence.node.internal.presence.DisconnectOrder;

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

    private final ITopic<SerializedDisconnectOrder> topic;
    private final IMap<String, SerializedDisconnectOrder> refusals;
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
            recorded = refusals.setAsync(order.username(), new SerializedDisconnectOrder(order), remaining, TimeUnit.MILLISECONDS);
        }
        return recorded.thenCompose(v -> topic.publishAsync(new SerializedDisconnectOrder(order)));
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
}
