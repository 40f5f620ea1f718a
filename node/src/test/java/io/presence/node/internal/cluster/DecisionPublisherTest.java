package io.presence.node.internal.cluster;

import io.presence.node.internal.cluster.state.Change;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a node's decisions become on the topic: fewer messages under load, never out of order. */
@Tag("unit")
class DecisionPublisherTest {

    /** Runs tasks only when the test says so, as a busy pool would. */
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor executor = tasks::add;
    private final List<List<String>> messages = new ArrayList<>();
    private final List<Long> decidedAts = new ArrayList<>();
    private Runnable duringPublish = () -> { };
    private final DecisionPublisher publisher = new DecisionPublisher((changes, decidedAt) -> {
        messages.add(changes.stream().map(c -> c.username() + (c.online() ? "+" : "-")).toList());
        decidedAts.add(decidedAt);
        duringPublish.run();
        return CompletableFuture.completedFuture(null);
    }, executor);

    private static List<Change> joins(String... names) {
        List<Change> changes = new ArrayList<>();
        for (String name : names) {
            changes.add(new Change(name, true, 1));
        }
        return changes;
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
        }
    }

    @Test
    void batchesDecidedWhileNoPublishRanGoOutAsOneMessageInTheOrderDecided() {
        publisher.offer(joins("a", "b"), 100);
        publisher.offer(joins("c"), 105);
        publisher.offer(List.of(new Change("a", false, 2)), 103);
        assertEquals(1, tasks.size(), "one task for the three batches");
        runTasks();
        assertEquals(List.of(List.of("a+", "b+", "c+", "a-")), messages);
        assertEquals(List.of(100L), decidedAts, "the earliest decision's time");
    }

    @Test
    void aBatchDecidedDuringAPublishFollowsIt() {
        duringPublish = () -> {
            duringPublish = () -> { };
            publisher.offer(joins("late"), 200);
        };
        publisher.offer(joins("first"), 100);
        runTasks();
        assertEquals(List.of(List.of("first+"), List.of("late+")), messages);
        assertEquals(0, tasks.size(), "the running drain took it: no second task, so no second publisher at once");
    }

    @Test
    void aLoneDecisionIsPublishedAtOnce() {
        publisher.offer(joins("a"), 100);
        runTasks();
        publisher.offer(joins("b"), 110);
        runTasks();
        assertEquals(List.of(List.of("a+"), List.of("b+")), messages);
    }

    @Test
    void coalescingStopsAtTheTopicsBound() {
        List<Change> full = new ArrayList<>();
        for (int i = 0; i < ChangeTopic.MAX_BATCH; i++) {
            full.add(new Change("u" + i, true, 1));
        }
        publisher.offer(full, 100);
        publisher.offer(joins("x"), 101);
        publisher.offer(joins("y"), 102);
        runTasks();
        assertEquals(2, messages.size());
        assertEquals(ChangeTopic.MAX_BATCH, messages.get(0).size());
        assertEquals(List.of("x+", "y+"), messages.get(1));
    }
}
