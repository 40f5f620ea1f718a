package io.presence.node.support;

import io.presence.node.internal.presence.PresenceExecutor;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The presence thread as a plain thread of its own, for tests that run the rules without Vert.x. */
public final class ThreadExecutor implements PresenceExecutor, AutoCloseable {

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-presence");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void execute(Runnable task) {
        thread.execute(task);
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
        thread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
