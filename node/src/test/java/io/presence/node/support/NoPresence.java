package io.presence.node.support;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.ClusterRepair;
import io.presence.node.internal.presence.DisconnectChannel;
import io.presence.node.internal.presence.DisconnectOrder;
import io.presence.node.internal.presence.Disconnects;
import io.presence.node.internal.presence.PresenceChange;
import io.presence.node.internal.presence.PresenceCluster;
import io.presence.node.internal.presence.PresenceExecutor;
import io.presence.node.internal.presence.PresenceService;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A presence service over an empty cluster, run inline: for session tests that do not get as far
 * as presence, and for measuring the service alone (changes published by hand).
 */
public final class NoPresence implements PresenceCluster, ClusterRepair, PresenceExecutor {

    private Consumer<List<PresenceChange>> published = changes -> { };

    /** Disconnect orders that reach only this node, at once: no other node to tell. */
    public static Disconnects disconnects() {
        List<Consumer<DisconnectOrder>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        return new Disconnects(new DisconnectChannel() {
            @Override
            public CompletionStage<Void> publish(DisconnectOrder order) {
                listeners.forEach(l -> l.accept(order));
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void subscribe(Consumer<DisconnectOrder> listener) {
                listeners.add(listener);
            }

            @Override
            public CompletionStage<Collection<DisconnectOrder>> standing() {
                return CompletableFuture.completedFuture(List.of());
            }
        }, System::currentTimeMillis);
    }

    public static PresenceService service() {
        return new NoPresence().presenceService();
    }

    public PresenceService presenceService() {
        return new PresenceService(this, this, this, 0, 60_000, NodeMetrics.detached());
    }

    /** Delivers changes to the service as if the cluster had published them. */
    public void publish(List<PresenceChange> changes) {
        published.accept(changes);
    }

    @Override
    public CompletionStage<List<PresenceChange>> hold(Collection<String> usernames) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<PresenceChange>> release(Collection<String> usernames) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void onChange(Consumer<List<PresenceChange>> listener) {
        published = listener;
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        return CompletableFuture.completedFuture(Set.of());
    }

    @Override
    public CompletionStage<Map<String, PresenceChange>> latestChangesFromMap() {
        return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public CompletionStage<Integer> dropDepartedHolders() {
        return CompletableFuture.completedFuture(0);
    }

    @Override
    public CompletionStage<Void> takeOverOrphanedWebhookEvents() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onTopologyChange(Runnable listener) {
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
    }

    @Override
    public long nowMillis() {
        return 0;
    }
}
