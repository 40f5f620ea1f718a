package io.presence.node.presence;

import java.util.concurrent.Executor;

/** The single thread the presence rules run on, with timers. */
public interface PresenceExecutor extends Executor {

    void schedule(long delayMillis, Runnable task);
}
