package io.presence.node.presence;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * The presence thread in virtual time: tasks run one at a time on the test thread, in order, and
 * timers fire only when the test moves the clock on.
 */
final class VirtualTime implements PresenceExecutor {

    private record Timer(long due, long sequence, Runnable task) {
    }

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::due).thenComparingLong(Timer::sequence));
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
        timers.add(new Timer(now + delayMillis, sequence++, task));
    }

    @Override
    public long nowMillis() {
        return now;
    }

    /** Moves the clock on by {@code millis}, firing every timer that falls due, in order. */
    void advance(long millis) {
        long target = now + millis;
        while (!timers.isEmpty() && timers.peek().due() <= target) {
            Timer timer = timers.poll();
            now = timer.due();
            execute(timer.task());
        }
        now = target;
    }

    int pendingTimers() {
        return timers.size();
    }
}
