package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.presence.node.internal.cluster.state.Change;
import io.presence.node.internal.cluster.state.ChangeBatch;
import io.presence.node.internal.cluster.state.HoldProcessor;
import io.presence.node.internal.cluster.state.UserHolders;
import io.presence.node.internal.presence.PresenceChange;
import io.presence.node.internal.presence.PresenceCluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The hot path on Hazelcast: an IMap from online username to the members holding it, changed only
 * by entry processors on the user's partition (never a read followed by a write), and the topic
 * on which the member that caused a transition publishes it.
 */
final class HazelcastPresenceCluster implements PresenceCluster {

    private final LocalMember member;
    private final IMap<String, UserHolders> users;
    private final DecisionPublisher publisher;
    private final HazelcastWebhookOutbox webhooks;
    private final ChangeTopic changes;
    private final Executor decisions;

    /**
     * @param decisions where a batch's answers are taken up once the last has come: queued as
     *                  webhook events, published and handed to the caller (never a Hazelcast
     *                  thread, which may not start the multi-partition last-seen call)
     */
    HazelcastPresenceCluster(HazelcastInstance hazelcast, LocalMember member, ChangeTopic changes,
                             HazelcastWebhookOutbox webhooks, Executor decisions) {
        this.member = member;
        this.users = hazelcast.getMap(UserHolders.MAP);
        this.decisions = decisions;
        this.publisher = new DecisionPublisher(changes::publish, decisions);
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
            return submit(usernames, hold ? HoldProcessor.hold(me, !member.isClient(), version, sender) : HoldProcessor.release(me, version, sender));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * One entry processor call per name, then one publish of what they changed. Per name rather
     * than {@code submitToKeys}: a multi-key call sends every partition's operation the whole key
     * set, each checking every key's partition (work that grows with keys × partitions). Each
     * answer is counted on the thread that produced it. Once the last has answered the changes are
     * decided: their webhook events are queued, the caller learns them at once, and the
     * {@link DecisionPublisher} publishes them beside it, so a login reaches this node's
     * subscribers without waiting for the topic. What some
     * calls changed is published even when others failed; the stage then fails, and the caller
     * retries every name (the processor changes nothing twice). A member on the small side of the
     * cluster once they have answered publishes and sends none of them ({@link LocalMember#decisionsStand}).
     */
    private CompletionStage<List<PresenceChange>> submit(Collection<String> usernames, HoldProcessor processor) {
        Answers answers = new Answers(usernames.size());
        for (String username : usernames) {
            KeyCall.submit(users, username, processor, answers::add);
        }
        return answers.all.thenApplyAsync(made -> {
            if (!made.isEmpty() && !member.decisionsStand()) {
                // neither published nor sent: the retry decides anew on the map the merge keeps
                throw new CompletionException(new IllegalStateException("this member is on the small side of the"
                        + " cluster: the " + made.size() + " changes its calls made do not stand"));
            }
            long decidedAt = System.currentTimeMillis();
            if (!made.isEmpty()) {
                // before the caller learns them, so that a user's events reach the sender in order
                webhooks.decided(made);
                publisher.offer(made, decidedAt);
            }
            Throwable failure = answers.failure;
            if (failure != null) {
                throw new CompletionException(failure);
            }
            return ChangeBatch.toPresenceChanges(made, decidedAt);
        }, decisions);
    }

    /** The answers of one batch's calls, gathered on whichever threads they arrive. */
    private static final class Answers {
        private final AtomicInteger waiting;
        private final List<Change> made;
        private volatile Throwable failure;
        /** Completes with the changes made once every call has answered. */
        final CompletableFuture<List<Change>> all = new CompletableFuture<>();

        Answers(int calls) {
            this.waiting = new AtomicInteger(calls);
            this.made = new ArrayList<>(calls);
        }

        void add(Change change, Throwable error) {
            synchronized (made) {
                if (error != null) {
                    failure = error;
                } else if (change != null) {
                    made.add(change);
                }
            }
            if (waiting.decrementAndGet() == 0) {
                List<Change> copy;
                synchronized (made) {
                    copy = List.copyOf(made);
                }
                all.complete(copy);
            }
        }
    }

    @Override
    public void onChange(Consumer<List<PresenceChange>> listener) {
        changes.subscribe(listener);
    }
}
