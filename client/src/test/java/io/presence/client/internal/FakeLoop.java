package io.presence.client.internal;

import io.presence.node.support.VirtualTime;

import java.util.concurrent.RejectedExecutionException;

/** The client's loop in virtual time: tasks run in order on the test thread; timers fire when the test moves the clock on. */
final class FakeLoop implements Loop {

    private final VirtualTime time = new VirtualTime();
    private boolean shutdown;

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("loop shut down");
        }
        time.execute(task);
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        return time.timer(delayMillis, task)::cancel;
    }

    @Override
    public long nowMillis() {
        return time.nowMillis();
    }

    @Override
    public void shutdown() {
        shutdown = true;
        time.clear();
    }

    void advance(long millis) {
        time.advance(millis);
    }

    long now() {
        return time.nowMillis();
    }
}
