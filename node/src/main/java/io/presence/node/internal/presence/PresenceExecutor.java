package io.presence.node.internal.presence;

import java.util.concurrent.Executor;

/**
 * The single thread the presence rules run on, its timers, and the clock those timers run on.
 * Every time the rules compare with a deadline comes from {@link #nowMillis()}, so a timer can
 * never fire "early" against a second clock (the wall clock may step back; this one may not).
 */
public interface PresenceExecutor extends Executor {

    /** Runs {@code task} on the presence thread once {@code delayMillis} have passed on {@link #nowMillis()}. */
    void schedule(long delayMillis, Runnable task);

    /** Milliseconds on a monotonic clock: only differences mean anything. */
    long nowMillis();
}
