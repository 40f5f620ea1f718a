package io.presence.client.internal;

import io.presence.client.PresenceException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Queries sent and waiting for their answer, each with a timeout. Confined to the loop. */
final class PendingQueries {

    private record Pending(CompletableFuture<Object> answer, Loop.Timer timeout) {
    }

    private final Loop loop;
    private final long timeoutMillis;
    private final Callbacks callbacks;
    private final Map<String, Pending> pending = new HashMap<>();
    /**
     * QUERY_ALL ids sent on this connection and not answered yet, oldest first, including those
     * that timed out: an official server drops QUERY_ALL's correlationId but answers in order,
     * so an answer without one is the oldest's, even when the oldest has given up.
     */
    private final Deque<String> queryAllOrder = new ArrayDeque<>();

    PendingQueries(Loop loop, long timeoutMillis, Callbacks callbacks) {
        this.loop = loop;
        this.timeoutMillis = timeoutMillis;
        this.callbacks = callbacks;
    }

    void track(String id, boolean all, CompletableFuture<Object> answer) {
        Loop.Timer timeout = loop.schedule(timeoutMillis, () -> timedOut(id));
        pending.put(id, new Pending(answer, timeout));
        if (all) {
            queryAllOrder.add(id);
        }
    }

    void answer(String correlationId, boolean all, Object result) {
        Pending p = take(correlationId, all);
        if (p != null) {
            callbacks.complete(p.answer(), result);
        }
    }

    void fail(String correlationId, boolean all, PresenceException error) {
        Pending p = take(correlationId, all);
        if (p != null) {
            callbacks.fail(p.answer(), error);
        }
    }

    /** Fails the query; a QUERY_ALL keeps its place in line, for its answer may still come. */
    private void timedOut(String id) {
        Pending p = pending.remove(id);
        if (p != null) {
            callbacks.fail(p.answer(), new PresenceException.Timeout("no answer within " + timeoutMillis + " ms"));
        }
    }

    void failAll(PresenceException error) {
        for (Pending p : pending.values()) {
            p.timeout().cancel();
            callbacks.fail(p.answer(), error);
        }
        pending.clear();
        queryAllOrder.clear();
    }

    /**
     * The query an answer belongs to: its own id, or for a QUERY_ALL answer without one, the
     * oldest in line. Null when that query has already given up (a late answer is dropped, not
     * handed to the next query).
     */
    private Pending take(String correlationId, boolean all) {
        String id = correlationId;
        if (id == null) {
            id = all ? queryAllOrder.peekFirst() : null;
        }
        if (id == null) {
            return null;
        }
        queryAllOrder.remove(id);
        Pending p = pending.remove(id);
        if (p != null) {
            p.timeout().cancel();
        }
        return p;
    }
}
