package io.presence.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where user code runs: callbacks, listeners and the completion of returned futures, on the
 * callback executor, never on the loop. User code that throws is logged and changes nothing else.
 */
final class Callbacks {

    /** System.Logger: routes to whatever logging the application uses (SLF4J, Log4j, JUL). */
    private static final System.Logger LOG = System.getLogger(Callbacks.class.getName());

    private final Executor executor;

    Callbacks(Executor executor) {
        this.executor = executor;
    }

    void run(Runnable userCode) {
        executor.execute(() -> safely(userCode));
    }

    <T> void complete(CompletableFuture<T> future, T value) {
        executor.execute(() -> future.complete(value));
    }

    void fail(CompletableFuture<?> future, Throwable error) {
        executor.execute(() -> future.completeExceptionally(error));
    }

    static void safely(Runnable userCode) {
        try {
            userCode.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "a presence callback threw; the client carries on", e);
        }
    }
}
