package io.presence.node.internal.presence;

import java.util.Collection;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** How disconnect orders reach every node: the cluster's side of {@link Disconnects}. */
public interface DisconnectChannel {

    /** Sends {@code order} to every node, this one included; completes once it is recorded. */
    CompletionStage<Void> publish(DisconnectOrder order);

    /** Calls {@code listener} with every order published from now on, on a cluster thread. */
    void subscribe(Consumer<DisconnectOrder> listener);

    /** The orders whose refusal of logins still runs: a node that starts later refuses them too. */
    CompletionStage<Collection<DisconnectOrder>> standing();
}
