package io.presence.node.webhook;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where undelivered webhook events are kept until their sender has delivered them: in the
 * cluster, so that another member takes over the events of a member that died. Implemented by
 * the cluster adapter.
 */
public interface WebhookOutbox {

    /**
     * Where the events this member is to send go, in each user's order, on a cluster thread: the
     * transitions its own requests decided, and those it took over from members that left.
     */
    void onEvents(Consumer<List<WebhookEvent>> listener);

    /** Forgets delivered (or given up) events in the cluster. */
    CompletionStage<Void> delivered(Collection<WebhookEvent> events);

    /** Which of {@code waiting} are now the oldest undelivered events of their users, free to go. */
    CompletionStage<Set<WebhookEvent>> free(Collection<WebhookEvent> waiting);
}
