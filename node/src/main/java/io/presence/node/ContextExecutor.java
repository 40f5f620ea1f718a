package io.presence.node;

import io.presence.node.internal.presence.PresenceExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

/**
 * The presence thread: one Vert.x context, its timers, and the monotonic clock they run on
 * (deadlines never use the wall clock, which may step).
 */
final class ContextExecutor implements PresenceExecutor {

    private final Context context;

    ContextExecutor(Context context) {
        this.context = context;
    }

    /** On an event-loop context of its own, whichever thread asks. */
    static ContextExecutor ownContext(Vertx vertx) {
        return new ContextExecutor(((VertxInternal) vertx).createEventLoopContext());
    }

    static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
        context.owner().setTimer(Math.max(1, delayMillis), id -> context.runOnContext(v -> task.run()));
    }

    @Override
    public long nowMillis() {
        return monotonicMillis();
    }
}
