package io.presence.client.internal;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;

/** The client's loop in virtual time: tasks run in order on the test thread; timers fire when the test moves the clock on. */
final class FakeLoop implements Loop {

    private static final class Scheduled implements Timer {
        final long due;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Scheduled(long due, long sequence, Runnable task) {
            this.due = due;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>(
            Comparator.comparingLong((Scheduled s) -> s.due).thenComparingLong(s -> s.sequence));
    private long now;
    private long sequence;
    private boolean running;
    private boolean shutdown;

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("loop shut down");
        }
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
    public Timer schedule(long delayMillis, Runnable task) {
        Scheduled s = new Scheduled(now + delayMillis, sequence++, task);
        if (!shutdown) {
            timers.add(s);
        }
        return s;
    }

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        timers.clear();
        tasks.clear();
    }

    /** Moves the clock on by {@code millis}, firing every timer that falls due, in order. */
    void advance(long millis) {
        long target = now + millis;
        while (!timers.isEmpty() && timers.peek().due <= target) {
            Scheduled s = timers.poll();
            now = s.due;
            if (!s.cancelled) {
                execute(s.task);
            }
        }
        now = target;
    }

    long now() {
        return now;
    }
}
