package io.presence.client.internal;

import io.presence.client.PresenceException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Requests made while not logged in: sent in order once logged in, or failed with
 * {@link PresenceException.ClientOffline} after the offline timeout. Confined to the loop.
 */
final class OfflineQueue {

    private record Waiting(Runnable send, CompletableFuture<?> result) {
    }

    private final Loop loop;
    private final long timeoutMillis;
    private final Callbacks callbacks;
    private final Deque<Waiting> waiting = new ArrayDeque<>();

    OfflineQueue(Loop loop, long timeoutMillis, Callbacks callbacks) {
        this.loop = loop;
        this.timeoutMillis = timeoutMillis;
        this.callbacks = callbacks;
    }

    void add(Runnable send, CompletableFuture<?> result) {
        Waiting w = new Waiting(send, result);
        waiting.add(w);
        loop.schedule(timeoutMillis, () -> {
            if (waiting.remove(w)) {
                callbacks.fail(result, new PresenceException.ClientOffline("not connected within " + timeoutMillis + " ms"));
            }
        });
    }

    /** Sends everything that waited, in the order it was asked for. */
    void flush() {
        Waiting w;
        while ((w = waiting.poll()) != null) {
            w.send().run();
        }
    }

    void failAll(PresenceException error) {
        waiting.forEach(w -> callbacks.fail(w.result(), error));
        waiting.clear();
    }
}
