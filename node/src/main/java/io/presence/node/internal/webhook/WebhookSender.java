package io.presence.node.internal.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presence.node.config.Webhooks;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.PresenceExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Sends this node's webhook events: batches of at most {@code batchMax} events, at most
 * {@code batchMillis} after the first, POSTed to every URL signed by {@link WebhookSignatures}. One batch is in flight at a time, so a user's events go out in order; an event
 * recorded behind older undelivered ones of its user (decided by another member) waits until
 * the outbox says they are gone. A batch that fails is retried with exponential backoff for
 * {@code retryMillis}, then dropped, counted and logged. Delivered and dropped events are
 * forgotten in the outbox; those still there when this node dies are taken over by another.
 *
 * <p>Confined to one thread, with its timers and monotonic clock (a {@link PresenceExecutor}, so
 * that tests run it on virtual time); events arrive from any thread.
 */
public final class WebhookSender {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    public static final String SIGNATURE_HEADER = "X-Presence-Signature";
    public static final String KEY_HEADER = "X-Presence-Key";
    static final long FIRST_RETRY_MILLIS = 250;
    static final long MAX_RETRY_MILLIS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A batch on its way: its exact body (what the signatures cover), our signature of it, and the
     * id Standard Webhooks' headers give it, the same on every retry.
     */
    private record Batch(List<WebhookEvent> events, byte[] body, String signature, String id, long firstTriedAt) {
    }

    private final PresenceExecutor thread;
    private final LongSupplier wallClock;
    private final WebhookPoster poster;
    private final Webhooks config;
    private final WebhookOutbox outbox;
    private final Function<Collection<String>, CompletionStage<Map<String, String>>> userData;
    private final NodeMetrics metrics;
    private final WebhookSignatures signatures;
    private final ArrayDeque<WebhookEvent> queue = new ArrayDeque<>();
    /** Events recorded behind others that the outbox has since seen delivered. */
    private final Set<WebhookEvent> freed = new HashSet<>();
    /** Ids of events sent or dropped whose "delivered" the cluster has not confirmed yet. */
    private final Set<String> finishing = new HashSet<>();
    private volatile int queued;
    private Batch inFlight;
    /** The next batch's events while their users' data is read (with {@code webhook.include.data}). */
    private List<WebhookEvent> preparing;
    private boolean checking;
    private boolean stopped;
    private long droppedUnlogged;

    /**
     * @param thread    the sender's own thread, its timers and the clock that times retries
     * @param wallClock epoch milliseconds, for the times receivers read (the body's, the signed one)
     * @param userData  the data (JSON text) of each of some users that the cluster keeps; asked
     *                  only when events carry it ({@code webhook.include.data})
     */
    public WebhookSender(PresenceExecutor thread, LongSupplier wallClock, WebhookPoster poster, Webhooks config,
                         WebhookOutbox outbox, Function<Collection<String>, CompletionStage<Map<String, String>>> userData,
                         NodeMetrics metrics) {
        this.thread = thread;
        this.wallClock = wallClock;
        this.poster = poster;
        this.userData = userData;
        this.config = config;
        this.outbox = outbox;
        this.metrics = metrics;
        this.signatures = new WebhookSignatures(config.secret().orElseThrow());
        metrics.watchWebhookQueue(() -> queued);
    }

    public void start() {
        outbox.onEvents(events -> thread.execute(() -> enqueue(events)));
        thread.schedule(config.batchMillis(), this::everyBatchInterval);
    }

    private void everyBatchInterval() {
        if (!stopped) {
            tick();
            thread.schedule(config.batchMillis(), this::everyBatchInterval);
        }
    }

    /** No batch starts after this; what is undelivered stays in the outbox for another member. */
    public void stop() {
        thread.execute(() -> {
            stopped = true;
            poster.close();
        });
    }

    /** Runs {@code then} on the sender's thread once {@code stage} completes. */
    private <T> void onThread(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        stage.whenComplete((result, failure) -> thread.execute(() -> then.accept(result, failure)));
    }

    private void enqueue(List<WebhookEvent> events) {
        List<WebhookEvent> overflow = new ArrayList<>();
        for (WebhookEvent e : events) {
            if (queue.size() < config.maxQueued()) {
                queue.add(e);
            } else {
                overflow.add(e);
            }
        }
        queued = queue.size();
        if (!overflow.isEmpty()) {
            // bounded memory while receivers are down: the newest go, and the cluster forgets them
            metrics.webhookEvents("dropped", overflow.size());
            droppedUnlogged += overflow.size();
            if (droppedUnlogged == overflow.size()) {
                LOG.warn("webhook queue full ({} events): dropping new events until it drains", config.maxQueued());
            }
            outbox.delivered(overflow);
        }
        if (queue.size() >= config.batchMax()) {
            tick();
        }
    }

    /** Starts the next batch when none is in flight: each user's events in order, none ahead of older ones elsewhere. */
    private void tick() {
        if (stopped || inFlight != null || preparing != null || queue.isEmpty()) {
            return;
        }
        if (droppedUnlogged > 0 && queue.size() < config.maxQueued() / 2) {
            LOG.warn("webhook queue drained below half; {} events were dropped while it was full", droppedUnlogged);
            droppedUnlogged = 0;
        }
        // one event per user and batch, its oldest queued (events taken over from a member that
        // left arrive after the logouts their departure caused): the next may go once this one is
        // delivered and no older one of the user, decided elsewhere, waits (the outbox says)
        Map<String, WebhookEvent> oldest = new HashMap<>();
        for (WebhookEvent e : queue) {
            oldest.merge(e.user(), e, (a, b) -> a.version() <= b.version() ? a : b);
        }
        List<WebhookEvent> batch = new ArrayList<>();
        List<WebhookEvent> waiting = new ArrayList<>();
        for (WebhookEvent e : queue) {
            if (batch.size() == config.batchMax()) {
                break;
            }
            if (oldest.get(e.user()) != e) {
                continue;
            }
            if (!e.behind() || freed.contains(e)) {
                batch.add(e);
            } else {
                waiting.add(e);
            }
        }
        if (!waiting.isEmpty() && !checking) {
            checking = true;
            LOG.atDebug().log(() -> "webhook events waiting behind older ones of their users: " + waiting.stream().map(WebhookEvent::brief).toList());
            onThread(outbox.ahead(waiting), (ahead, failure) -> {
                checking = false;
                if (failure == null) {
                    int before = freed.size();
                    freed.addAll(ahead.free());
                    // behind only this node's own events that the receiver already has: free too
                    Set<String> usersHeldBack = new HashSet<>();
                    ahead.ownOlder().stream().filter(o -> !finishing.contains(o.id())).forEach(o -> usersHeldBack.add(o.user()));
                    ahead.behindOwn().stream().filter(e -> !usersHeldBack.contains(e.user())).forEach(freed::add);
                    boolean adopted = adoptLost(ahead.ownOlder());
                    if (adopted || freed.size() > before) {
                        tick();
                    }
                }
            });
        }
        if (batch.isEmpty()) {
            return;
        }
        queue.removeAll(new HashSet<>(batch));
        queued = queue.size();
        batch.forEach(freed::remove);
        if (!config.includeData()) {
            start(batch, null);
            return;
        }
        preparing = batch;
        onThread(userData.apply(batch.stream().map(WebhookEvent::user).distinct().toList()), (found, failure) -> {
            preparing = null;
            if (stopped) {
                return; // undelivered: the outbox keeps them for another member
            }
            if (failure != null) {
                // the events matter more than their data: they go without it
                LOG.warn("user data for a webhook batch could not be read from the cluster ({}); sent without it",
                        failure.toString());
            }
            start(batch, failure == null ? found : Map.of());
        });
    }

    /** @param data each user's data (JSON text) to put in its events; null: events carry no data */
    private void start(List<WebhookEvent> batch, Map<String, String> data) {
        byte[] body = body(batch, data, wallClock.getAsLong());
        inFlight = new Batch(batch, body, signatures.ofBody(body), "msg_" + UUID.randomUUID(), thread.nowMillis());
        send(inFlight, List.copyOf(config.urls()), 0);
    }

    private void send(Batch batch, List<String> urls, int attempt) {
        // Standard Webhooks signs the time of each attempt: receivers refuse old ones as replays
        long now = wallClock.getAsLong() / 1000;
        Map<String, String> headers = Map.of(
                "Content-Type", "application/json",
                SIGNATURE_HEADER, batch.signature(),
                KEY_HEADER, config.keyName(),
                WebhookSignatures.ID_HEADER, batch.id(),
                WebhookSignatures.TIMESTAMP_HEADER, Long.toString(now),
                WebhookSignatures.SIGNATURE_HEADER, signatures.standard(batch.id(), now, batch.body()));
        List<CompletableFuture<Boolean>> posts = new ArrayList<>();
        for (String url : urls) {
            posts.add(poster.post(url, headers, batch.body()).toCompletableFuture());
        }
        onThread(CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)), (done, never) -> {
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                if (!posts.get(i).join()) {
                    failed.add(urls.get(i));
                }
            }
            metrics.webhookPosts(urls.size() - failed.size(), failed.size());
            if (failed.isEmpty()) {
                finished(batch, "delivered");
            } else if (thread.nowMillis() - batch.firstTriedAt() >= config.retryMillis() || stopped) {
                if (!stopped) {
                    LOG.warn("webhook batch of {} events not taken by {} within {} ms; dropped", batch.events().size(), failed,
                            config.retryMillis());
                    finished(batch, "dropped");
                }
            } else {
                long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt, 16));
                LOG.debug("webhook batch not taken by {}; trying again in {} ms", failed, delay);
                thread.schedule(delay, () -> send(batch, failed, attempt + 1));
            }
        });
    }

    private void finished(Batch batch, String result) {
        LOG.atDebug().log(() -> "webhook batch " + result + ": " + batch.events().stream().map(WebhookEvent::brief).toList());
        metrics.webhookEvents(result, batch.events().size());
        batch.events().forEach(e -> finishing.add(e.id()));
        outbox.delivered(batch.events()).whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.debug("delivered webhook events not forgotten in the cluster (they may be sent again): {}", failure.toString());
            }
            thread.execute(() -> batch.events().forEach(e -> finishing.remove(e.id())));
        });
        inFlight = null;
        tick();
    }

    /**
     * Queues the events the cluster still has this node sending that it has neither queued nor
     * in flight nor being forgotten: a request whose answer was lost, or a "delivered" that did
     * not reach the cluster. Without this they would hold their users' later events back for
     * good; a receiver may see one twice and drops it by its id. Returns whether any was queued.
     */
    private boolean adoptLost(List<WebhookEvent> own) {
        if (own.isEmpty()) {
            return false;
        }
        Set<String> known = new HashSet<>(finishing);
        queue.forEach(e -> known.add(e.id()));
        if (inFlight != null) {
            inFlight.events().forEach(e -> known.add(e.id()));
        }
        if (preparing != null) {
            preparing.forEach(e -> known.add(e.id()));
        }
        List<WebhookEvent> lost = own.stream().filter(e -> !known.contains(e.id())).toList();
        if (!lost.isEmpty()) {
            LOG.info("sending {} webhook events again that this node had lost track of", lost.size());
            enqueue(lost);
        }
        return !lost.isEmpty();
    }

    /**
     * {"time_ms", "events": [{"id", "name", "user", "at", "version", "data"?}]}: the bytes signed
     * and sent; "data" (the user's, or null) only when {@code data} is not null.
     */
    private static byte[] body(List<WebhookEvent> events, Map<String, String> data, long nowMillis) {
        ObjectNode root = JSON.createObjectNode();
        root.put("time_ms", nowMillis);
        ArrayNode list = root.putArray("events");
        try {
            for (WebhookEvent e : events) {
                ObjectNode event = list.addObject()
                        .put("id", e.id())
                        .put("name", e.online() ? "user_online" : "user_offline")
                        .put("user", e.user())
                        .put("at", e.atMillis())
                        .put("version", e.version());
                if (data != null) {
                    event.set("data", jsonValue(data.get(e.user())));
                }
            }
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stored JSON text as the value it encodes (text that is not JSON as a string); null stays null. */
    private static JsonNode jsonValue(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }
}
