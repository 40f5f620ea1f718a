package io.presence.client.internal;

import java.util.concurrent.Executor;

/**
 * The client's one thread for I/O events, timers and state, and the clock its timers run on.
 * Injectable, so that reconnection and heartbeat can be tested on a fake clock.
 */
interface Loop extends Executor {

    /** Runs {@code task} on the loop, after those queued; throws RejectedExecutionException once shut down. */
    @Override
    void execute(Runnable task);

    /** A timer that may still be cancelled. */
    interface Timer {
        void cancel();
    }

    /** Runs {@code task} on the loop after {@code delayMillis}; dropped if the loop is shut down first. */
    Timer schedule(long delayMillis, Runnable task);

    /** Milliseconds on a monotonic clock: only differences mean anything. */
    long nowMillis();

    /** Stops the loop: queued tasks and pending timers are dropped; waits for the thread to end. */
    void shutdown();
}
