package io.presence.node.internal.presence;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Disconnecting users from the server: an order goes to every node (through the cluster's
 * {@link DisconnectChannel}), where the sessions of that user are closed, and each node
 * remembers until when the user's logins are refused, so that a login costs a local look-up and
 * no cluster call. Thread-safe.
 */
public final class Disconnects {

    /** Past this many remembered refusals, the ended ones are forgotten at the next order. */
    static final int PRUNE_ABOVE = 10_000;

    private final DisconnectChannel channel;
    private final LongSupplier wallClock;
    private final ConcurrentHashMap<String, Long> refusedUntil = new ConcurrentHashMap<>();
    private final List<Consumer<DisconnectOrder>> listeners = new CopyOnWriteArrayList<>();

    /** @param wallClock epoch milliseconds: refusals end at a wall-clock time every node shares */
    public Disconnects(DisconnectChannel channel, LongSupplier wallClock) {
        this.channel = channel;
        this.wallClock = wallClock;
        channel.subscribe(this::received);
    }

    /** Learns the refusals given before this node started; completes once they are known. */
    public CompletionStage<Void> start() {
        return channel.standing().thenAccept(orders -> orders.forEach(this::remember));
    }

    /** Sends {@code order} to every node; completes once the cluster recorded it. */
    public CompletionStage<Void> order(DisconnectOrder order) {
        return channel.publish(order);
    }

    /** Calls {@code listener} with every order as it reaches this node, on a cluster thread. */
    public void onOrder(Consumer<DisconnectOrder> listener) {
        listeners.add(listener);
    }

    /** Until when (epoch ms) logins of {@code username} are refused, or 0 when they are not. */
    public long refusedUntil(String username) {
        Long until = refusedUntil.get(username);
        if (until == null) {
            return 0;
        }
        if (until <= wallClock.getAsLong()) {
            refusedUntil.remove(username, until);
            return 0;
        }
        return until;
    }

    private void received(DisconnectOrder order) {
        remember(order);
        listeners.forEach(listener -> listener.accept(order));
    }

    private void remember(DisconnectOrder order) {
        long now = wallClock.getAsLong();
        if (order.refuseUntilMillis() > now) {
            refusedUntil.merge(order.username(), order.refuseUntilMillis(), Math::max);
        }
        if (refusedUntil.size() > PRUNE_ABOVE) {
            refusedUntil.values().removeIf(until -> until <= now);
        }
    }
}
