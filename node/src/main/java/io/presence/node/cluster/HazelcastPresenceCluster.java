package io.presence.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.presence.node.presence.PresenceChange;
import io.presence.node.presence.PresenceCluster;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The hot path on Hazelcast: an IMap from online username to the members holding it, changed only
 * by entry processors on the user's partition (never a read followed by a write), and the topic
 * on which the member that caused a transition publishes it.
 */
final class HazelcastPresenceCluster implements PresenceCluster {

    static final String USERS_MAP = "presence-users";

    private final LocalMember member;
    private final IMap<String, UserHolders> users;
    private final ChangeTopic changes;
    private final HazelcastWebhookOutbox webhooks;

    HazelcastPresenceCluster(HazelcastInstance hazelcast, LocalMember member, ChangeTopic changes,
                             HazelcastWebhookOutbox webhooks) {
        this.member = member;
        this.users = hazelcast.getMap(USERS_MAP);
        this.changes = changes;
        this.webhooks = webhooks;
    }

    @Override
    public CompletionStage<List<PresenceChange>> hold(Collection<String> usernames) {
        return submit(usernames, true);
    }

    @Override
    public CompletionStage<List<PresenceChange>> release(Collection<String> usernames) {
        return submit(usernames, false);
    }

    /** A member that is shutting down throws at once; that becomes a failed stage like any other failure. */
    private CompletionStage<List<PresenceChange>> submit(Collection<String> usernames, boolean hold) {
        if (!member.mayDecide()) {
            // the caller retries: by then this member's view has caught up with the others'
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "this member has just woken from a freeze and decides nothing until its view of the cluster settles"));
        }
        try {
            UUID me = member.uuid();
            long version = member.proposedVersion();
            UUID sender = webhooks.sender();
            return submit(usernames, hold ? HoldProcessor.hold(me, version, sender) : HoldProcessor.release(me, version, sender));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One entry processor call for the lot (one operation per partition), then one publish. */
    private CompletionStage<List<PresenceChange>> submit(Collection<String> usernames, HoldProcessor processor) {
        CompletionStage<? extends Collection<Change>> results = usernames.size() == 1
                ? users.submitToKey(usernames.iterator().next(), processor).thenApply(Collections::singletonList)
                : users.submitToKeys(new HashSet<>(usernames), processor).thenApply(Map::values);
        return results.thenCompose(caused -> {
            List<Change> made = ChangeTopic.made(caused);
            webhooks.decided(made);
            long decidedAt = System.currentTimeMillis();
            return changes.publish(made, decidedAt).thenApply(v -> ChangeBatch.toPresenceChanges(made, decidedAt));
        });
    }

    @Override
    public void onChange(Consumer<List<PresenceChange>> listener) {
        changes.subscribe(listener);
    }
}
