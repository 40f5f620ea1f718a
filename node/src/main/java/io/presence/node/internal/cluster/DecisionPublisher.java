package io.presence.node.internal.cluster;

import io.presence.node.internal.cluster.state.Change;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes this member's own decisions on the changes topic as a task of its own on the given
 * executor (in a node the presence thread; never a Hazelcast thread, which may not start the
 * multi-partition last-seen call), one task at a time: whatever was decided before a publish ran
 * goes out together in one message, in the order decided. Under load that is a message and a
 * delivery on every node for several batches of holds instead of one each.
 */
final class DecisionPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionPublisher.class);

    /** One batch of decided changes and when its last answer came. */
    private record Decided(List<Change> changes, long decidedAt) {
    }

    /** Where a message goes: {@link ChangeTopic#publish} in a node. */
    interface Topic {
        CompletionStage<Void> publish(List<Change> changes, long decidedAt);
    }

    private final Topic topic;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Decided> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    DecisionPublisher(Topic topic, Executor executor) {
        this.topic = topic;
        this.executor = executor;
    }

    /** Publishes {@code changes} soon, after every batch offered before them. Any thread. */
    void offer(List<Change> changes, long decidedAt) {
        waiting.add(new Decided(changes, decidedAt));
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    /** One drain at a time, so messages leave in the order decided; an offer during it is picked up by it or the next. */
    private void drain() {
        do {
            while (!waiting.isEmpty()) {
                List<Change> batch = new ArrayList<>();
                long decidedAt = Long.MAX_VALUE;
                for (Decided d; batch.size() < ChangeTopic.MAX_BATCH && (d = waiting.poll()) != null; ) {
                    batch.addAll(d.changes());
                    // the earliest: a subscriber's latency figure then counts the time spent waiting here
                    decidedAt = Math.min(decidedAt, d.decidedAt());
                }
                publish(batch, decidedAt);
            }
            scheduled.set(false);
        } while (!waiting.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private void publish(List<Change> batch, long decidedAt) {
        try {
            // on the completing thread: Hazelcast's whenComplete would hop to its async executor
            topic.publish(batch, decidedAt).whenCompleteAsync((v, failure) -> {
                if (failure != null) {
                    LOG.warn("{} decided changes not published; the other nodes learn them at their next reconciliation",
                            batch.size(), failure);
                }
            }, Runnable::run);
        } catch (RuntimeException e) {
            LOG.warn("{} decided changes not published; the other nodes learn them at their next reconciliation",
                    batch.size(), e);
        }
    }
}
