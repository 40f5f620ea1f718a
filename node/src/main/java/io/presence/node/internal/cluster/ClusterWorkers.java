package io.presence.node.internal.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The adapter's own threads for blocking cluster calls (key sets, whole-map passes, reading
 * many entries at once), kept off Hazelcast's and Vert.x's threads. Once closed, work is refused with a
 * failed future or dropped, never with an exception thrown at the caller (often a Hazelcast
 * event thread).
 *
 * <p>Public for the data member ({@code cluster.datamember}), which runs on the same plumbing.
 */
public final class ClusterWorkers implements AutoCloseable {

    private final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4, runnable -> {
        Thread thread = new Thread(runnable, "presence-cluster-calls");
        thread.setDaemon(true);
        return thread;
    });

    public ClusterWorkers() {
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs a blocking call on a worker; the stage fails if it throws or the workers are closed. */
    <T> CompletionStage<T> supply(Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(call, pool);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the cluster adapter is closed", closed));
        }
    }

    /** Runs {@code task} on a worker after {@code delayMillis}; dropped once closed. */
    public void schedule(long delayMillis, Runnable task) {
        try {
            pool.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closing: nothing left to do it for
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
