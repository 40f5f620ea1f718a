package io.presence.node.internal.webhook;

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

    /**
     * What stands ahead of {@code waiting}, events recorded behind older undelivered ones of
     * their users: which of them nothing older holds back any more, which only this member's own
     * older events hold back, and those own older events (one this member lost track of would
     * otherwise hold its user's later events back for good).
     */
    CompletionStage<Ahead> ahead(Collection<WebhookEvent> waiting);

    /**
     * {@code free}: waiting events with nothing older undelivered; {@code behindOwn}: waiting
     * events with only {@code ownOlder} ahead, older events that are this member's to send.
     */
    record Ahead(Set<WebhookEvent> free, Set<WebhookEvent> behindOwn, List<WebhookEvent> ownOlder) {
    }
}
