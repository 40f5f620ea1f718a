package io.presence.node.support;

import io.presence.node.internal.presence.PresenceExecutor;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * One thread in virtual time, for timing tests: tasks run one at a time on the test thread, in
 * order, and timers fire only when the test moves the clock on. The presence rules use it as
 * their executor; the SDK's tests wrap it as the client's loop.
 */
public final class VirtualTime implements PresenceExecutor {

    /** A timer that may still be cancelled. */
    public static final class Timer {
        private final long due;
        private final long sequence;
        private final Runnable task;
        private boolean cancelled;

        private Timer(long due, long sequence, Runnable task) {
            this.due = due;
            this.sequence = sequence;
            this.task = task;
        }

        public void cancel() {
            cancelled = true;
        }
    }

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong((Timer t) -> t.due).thenComparingLong(t -> t.sequence));
    private long now = 1_000;
    private long sequence;
    private boolean running;

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (running) {
            return;
        }
        running = true;
        try {
            Runnable next;
            while ((next = tasks.poll()) != null) {
                next.run();
            }
        } finally {
            running = false;
        }
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
        timer(delayMillis, task);
    }

    /** As {@link #schedule}, returning the timer so that it can be cancelled. */
    public Timer timer(long delayMillis, Runnable task) {
        Timer timer = new Timer(now + delayMillis, sequence++, task);
        timers.add(timer);
        return timer;
    }

    @Override
    public long nowMillis() {
        return now;
    }

    /** Moves the clock on by {@code millis}, firing every timer that falls due, in order. */
    public void advance(long millis) {
        long target = now + millis;
        while (!timers.isEmpty() && timers.peek().due <= target) {
            Timer timer = timers.poll();
            now = timer.due;
            if (!timer.cancelled) {
                execute(timer.task);
            }
        }
        now = target;
    }

    /** Timers not yet fired nor cancelled. */
    public long pendingTimers() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }

    /** Drops every task and timer not yet run. */
    public void clear() {
        tasks.clear();
        timers.clear();
    }
}
