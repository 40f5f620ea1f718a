package io.presence.node.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presence.node.config.Webhooks;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.support.VirtualTime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sender's rules on virtual time: batching, one batch in flight, a user's events in order,
 * backoff and giving up, the queue's bound, and events that wait behind older ones. The receiver
 * is a recorder whose answers the test gives; {@code WebhookDeliveryTest} runs the same sender
 * against a real HTTP receiver.
 */
@Tag("unit")
class WebhookSenderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URL = "http://receiver.test/hook";
    private static final String OTHER_URL = "http://other.test/hook";

    /** One POST: where, with which headers and body, and its answer, which the test gives. */
    private record Post(String url, Map<String, String> headers, JsonNode body, long at, CompletableFuture<Boolean> answer) {
        List<String> ids() {
            List<String> ids = new ArrayList<>();
            body.get("events").forEach(e -> ids.add(e.get("id").asText()));
            return ids;
        }
    }

    private final VirtualTime time = new VirtualTime();
    private final List<Post> posts = new ArrayList<>();
    private final List<List<WebhookEvent>> forgotten = new ArrayList<>();
    private Consumer<List<WebhookEvent>> cluster;
    /** What the outbox says of waiting events; by default that nothing older holds them back. */
    private boolean olderUndelivered;
    /** When set, every post is answered at once with it (a receiver that is down: false). */
    private Boolean answerAtOnce;

    private final WebhookPoster poster = new WebhookPoster() {
        @Override
        public CompletionStage<Boolean> post(String url, Map<String, String> headers, byte[] body) {
            try {
                Post post = new Post(url, headers, JSON.readTree(body), time.nowMillis(), new CompletableFuture<>());
                posts.add(post);
                if (answerAtOnce != null) {
                    post.answer().complete(answerAtOnce);
                }
                return post.answer();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
        }
    };

    private final WebhookOutbox outbox = new WebhookOutbox() {
        @Override
        public void onEvents(Consumer<List<WebhookEvent>> listener) {
            cluster = listener;
        }

        @Override
        public CompletionStage<Void> delivered(Collection<WebhookEvent> events) {
            forgotten.add(List.copyOf(events));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Ahead> ahead(Collection<WebhookEvent> waiting) {
            return CompletableFuture.completedFuture(olderUndelivered
                    ? new Ahead(Set.of(), Set.of(), List.of()) : new Ahead(Set.copyOf(waiting), Set.of(), List.of()));
        }
    };

    private WebhookSender sender(List<String> urls, int batchMax, int maxQueued) {
        Webhooks config = new Webhooks(urls, Optional.of("secret"), "default", 100, batchMax, 1_000, 5_000, maxQueued, false);
        WebhookSender sender = new WebhookSender(time, () -> 1_700_000_000_000L + time.nowMillis(), poster, config, outbox,
                users -> CompletableFuture.completedFuture(Map.of()), NodeMetrics.detached());
        sender.start();
        return sender;
    }

    private static WebhookEvent login(String user, long version) {
        return new WebhookEvent(user, true, version, false);
    }

    private static List<WebhookEvent> logins(int count) {
        return IntStream.range(0, count).mapToObj(i -> login("user-" + i, 1_000 + i)).toList();
    }

    private static List<String> ids(List<WebhookEvent> events) {
        return events.stream().map(WebhookEvent::id).toList();
    }

    @Test
    void aFullBatchGoesAtOnceTheRestAtTheIntervalAndOneBatchIsInFlightAtATime() {
        sender(List.of(URL), 3, 100);
        List<WebhookEvent> events = logins(7);
        time.execute(() -> cluster.accept(events));

        assertEquals(1, posts.size(), "a full batch goes without waiting for the interval");
        assertEquals(ids(events.subList(0, 3)), posts.get(0).ids());
        time.advance(500);
        assertEquals(1, posts.size(), "nothing more while a batch is in flight");

        posts.get(0).answer().complete(true);
        assertEquals(2, posts.size(), "the next batch follows the answer");
        assertEquals(ids(events.subList(3, 6)), posts.get(1).ids());
        posts.get(1).answer().complete(true);
        posts.get(2).answer().complete(true);
        assertEquals(ids(events.subList(6, 7)), posts.get(2).ids());
        assertEquals(List.of(events.subList(0, 3), events.subList(3, 6), events.subList(6, 7)), forgotten,
                "each batch forgotten in the cluster once delivered");

        WebhookEvent late = login("late", 5_000);
        time.execute(() -> cluster.accept(List.of(late)));
        assertEquals(3, posts.size(), "less than a batch waits for the interval");
        time.advance(100);
        assertEquals(List.of(late.id()), posts.get(3).ids());
    }

    @Test
    void aUsersEventsGoOneABatchInTheirOrder() {
        sender(List.of(URL), 10, 100);
        WebhookEvent in = login("ada", 1_000);
        WebhookEvent out = new WebhookEvent("ada", false, 2_000, false);
        WebhookEvent again = login("ada", 3_000);
        WebhookEvent other = login("bob", 1_500);
        time.execute(() -> cluster.accept(List.of(in, out, again, other)));
        time.advance(100);

        assertEquals(List.of(in.id(), other.id()), posts.get(0).ids());
        posts.get(0).answer().complete(true);
        assertEquals(List.of(out.id()), posts.get(1).ids());
        posts.get(1).answer().complete(true);
        assertEquals(List.of(again.id()), posts.get(2).ids());
        assertEquals(List.of("user_online", "user_offline", "user_online"),
                posts.stream().map(p -> p.body().get("events").get(0).get("name").asText()).toList());
    }

    @Test
    void aRefusedBatchIsTriedAgainWithGrowingDelaysUnderOneIdThenDropped() {
        sender(List.of(URL), 10, 100);
        List<WebhookEvent> events = logins(2);
        answerAtOnce = false;
        time.execute(() -> cluster.accept(events));
        time.advance(100);
        long first = time.nowMillis();
        time.advance(20_000);

        // 250 ms, doubling: tries at 0, 250, 750, 1,750, 3,750; the one at 7,750 is past the
        // 5 s retry window, so the batch is dropped after it
        assertEquals(List.of(0L, 250L, 750L, 1_750L, 3_750L, 7_750L), posts.stream().map(p -> p.at() - first).toList());
        assertEquals(1, posts.stream().map(p -> p.headers().get("webhook-id")).distinct().count(),
                "every try of a batch has its id: a receiver drops the duplicates");
        assertNotEquals(posts.get(0).headers().get("webhook-timestamp"), posts.get(5).headers().get("webhook-timestamp"),
                "each try is signed with its own time");
        assertEquals(List.of(events), forgotten, "given up: forgotten, so that it holds no later event back");
    }

    @Test
    void onlyTheReceiversThatRefusedAreTriedAgain() {
        sender(List.of(URL, OTHER_URL), 10, 100);
        time.execute(() -> cluster.accept(logins(1)));
        time.advance(100);
        assertEquals(List.of(URL, OTHER_URL), posts.stream().map(Post::url).toList());
        posts.get(0).answer().complete(true);
        posts.get(1).answer().complete(false);
        time.advance(250);
        assertEquals(3, posts.size());
        assertEquals(OTHER_URL, posts.get(2).url());
        posts.get(2).answer().complete(true);
        assertEquals(1, forgotten.size());
    }

    @Test
    void aFullQueueDropsTheNewestAndTheClusterForgetsThem() {
        sender(List.of(URL), 2, 5);
        List<WebhookEvent> first = logins(2);
        time.execute(() -> cluster.accept(first));
        assertEquals(1, posts.size(), "in flight, unanswered: the receiver is stuck");
        List<WebhookEvent> more = IntStream.range(0, 8).mapToObj(i -> login("more-" + i, 10 + i)).toList();
        time.execute(() -> cluster.accept(more));

        assertEquals(List.of(more.subList(5, 8)), forgotten, "the queue keeps 5; the newest 3 are dropped and forgotten");
        answerAtOnce = true; // the receiver is back
        posts.get(0).answer().complete(true);
        List<String> sent = posts.stream().flatMap(p -> p.ids().stream()).toList();
        assertEquals(ids(first), sent.subList(0, 2));
        assertEquals(ids(more.subList(0, 5)), sent.subList(2, sent.size()), "the queued ones go once the receiver answers");
    }

    @Test
    void anEventBehindOlderUndeliveredOnesWaitsUntilTheClusterSaysTheyAreGone() {
        sender(List.of(URL), 10, 100);
        olderUndelivered = true;
        WebhookEvent behind = new WebhookEvent("ada", false, 2_000, true);
        WebhookEvent free = login("bob", 1_000);
        time.execute(() -> cluster.accept(List.of(behind, free)));
        time.advance(100);
        assertEquals(List.of(free.id()), posts.get(0).ids(), "ada's logout waits for her login, sent by another member");
        posts.get(0).answer().complete(true);
        time.advance(1_000);
        assertEquals(1, posts.size());

        olderUndelivered = false; // the other member delivered it
        time.advance(100);
        assertEquals(2, posts.size());
        assertEquals(List.of(behind.id()), posts.get(1).ids());
        assertTrue(posts.get(1).body().get("time_ms").asLong() >= 1_700_000_000_000L, "the body's time is the wall clock's");
    }
}
