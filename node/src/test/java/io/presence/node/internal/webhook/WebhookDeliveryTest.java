package io.presence.node.internal.webhook;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.TestClient;
import io.presence.node.support.WebhookReceiver;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks from a real 3-node cluster to a real HTTP receiver: every cluster-wide login and
 * logout of a randomized churn arrives, signed, in each user's order; a receiver that was down
 * gets everything once it is back; a sender that crashes with a batch in flight loses nothing.
 */
@Tag("in-jvm")
class WebhookDeliveryTest {

    @RegisterExtension
    final InJvmNodes nodes = InJvmNodes.startedByTheTest();

    private static final String SECRET = "hook-secret-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private WebhookReceiver receiver;

    private void start(int size) {
        receiver = new WebhookReceiver(SECRET);
        nodes.start(size, Map.of("webhook.urls", receiver.url(), "webhook.secret", SECRET,
                "webhook.key.name", "key-2026", "webhook.retry.ms", "60000"));
    }

    /** A subscriber to everyone on node 0; the test's users share its tag. */
    private TestClient watching(String tag) {
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        return watcher;
    }

    @AfterEach
    void stop() {
        nodes.close();
        receiver.close();
    }

    /**
     * What a subscriber heard, per user, in order: the cluster-wide transitions. (Read without
     * {@code expect}, which takes the messages it matches.)
     */
    private static Map<String, List<Boolean>> transitions(TestClient watcher, String tag) {
        Map<String, List<Boolean>> heard = new HashMap<>();
        for (var m : watcher.received()) {
            if (m instanceof PresenceMessage p && p.name() != null && p.name().contains(tag)
                    && (p.action() == Action.PRESENCE_JOIN_ALL || p.action() == Action.PRESENCE_LEAVE_ALL)) {
                heard.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p.action() == Action.PRESENCE_JOIN_ALL);
            }
        }
        return heard;
    }

    /** Every transition the subscriber heard arrived, once each after dropping duplicates, in version order. */
    private void everyTransitionArrivedInOrder(Map<String, List<Boolean>> heard) {
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, List<WebhookReceiver.Event>> got = receiver.byUser();
            for (Map.Entry<String, List<Boolean>> user : heard.entrySet()) {
                List<WebhookReceiver.Event> events = got.getOrDefault(user.getKey(), List.of());
                assertEquals(user.getValue(), events.stream().map(WebhookReceiver.Event::online).toList(),
                        user.getKey() + ": " + events);
            }
        });
        for (List<WebhookReceiver.Event> events : receiver.byUser().values()) {
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).version() > events.get(i - 1).version(), "per-user order: " + events);
            }
        }
        assertEquals(0, receiver.badSignatures(), "every batch signed with the secret");
    }

    @Test
    void everyTransitionOfARandomizedChurnAcrossThreeNodesArrivesSignedInEachUsersOrder() {
        start(3);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = watching(tag);
        Random random = new Random(42);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add("churn-" + tag + "-" + i);
        }
        Map<String, List<TestClient>> open = new HashMap<>();
        for (int step = 0; step < 120; step++) {
            String user = users.get(random.nextInt(users.size()));
            List<TestClient> sessions = open.computeIfAbsent(user, u -> new ArrayList<>());
            if (sessions.isEmpty() || random.nextBoolean()) {
                // a login on any node: the users' transitions are decided by different members
                sessions.add(nodes.clients().loginUntracked(random.nextInt(3), user));
            } else {
                sessions.remove(random.nextInt(sessions.size())).close();
            }
        }
        open.values().forEach(sessions -> sessions.forEach(TestClient::close));
        // everyone gone: each user's last transition the subscriber heard is a logout
        await().atMost(WAIT).until(() -> transitions(watcher, tag).entrySet().stream()
                .allMatch(e -> e.getKey().startsWith("watcher") || !e.getValue().get(e.getValue().size() - 1)));
        Map<String, List<Boolean>> heard = transitions(watcher, tag);
        heard.remove("watcher-" + tag);
        assertTrue(heard.values().stream().mapToInt(List::size).sum() >= 24, "a real churn: " + heard);
        everyTransitionArrivedInOrder(heard);
        assertTrue(receiver.batchSizes().stream().allMatch(n -> n <= 100), "at most 100 events a batch");
        assertTrue(receiver.keys().stream().allMatch("key-2026"::equals), "the key's name beside each signature");
        assertTrue(receiver.events().stream().noneMatch(WebhookReceiver.Event::carriesData),
                "no user data in events unless webhook.include.data says so");
    }

    @Test
    void aReceiverThatWasDownGetsEverythingOnceItIsBack() {
        start(2);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = watching(tag);
        // the watcher's own login goes out first: only then is the receiver down
        await().atMost(WAIT).until(() -> receiver.byUser().containsKey("watcher-" + tag));
        receiver.mode(WebhookReceiver.Mode.REFUSE);
        List<TestClient> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sessions.add(nodes.clients().login(i % 2, "down-" + tag + "-" + i));
        }
        sessions.subList(0, 3).forEach(TestClient::close);
        await().atMost(WAIT).until(() -> receiver.refused() >= 3);
        assertTrue(receiver.byUser().keySet().stream().noneMatch(u -> u.startsWith("down-" + tag)), "nothing taken while down");
        String firstRefused = receiver.refusedIds().get(0);
        receiver.mode(WebhookReceiver.Mode.ACCEPT);
        await().atMost(WAIT).until(() -> transitions(watcher, tag).values().stream().mapToInt(List::size).sum() == 9);
        everyTransitionArrivedInOrder(transitions(watcher, tag));
        // a retried batch keeps its webhook-id, for receivers that drop repeats by it
        assertTrue(firstRefused.startsWith("msg_"), firstRefused);
        assertTrue(receiver.requestIds().stream().filter(firstRefused::equals).count() >= 3,
                () -> "the first refused batch was retried under its id: " + receiver.requestIds());
    }

    @Test
    void moreTransitionsOfOneUserThanTheClusterKeepsDuringAnOutageStillAllArriveAfterIt() {
        start(1);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = watching(tag);
        await().atMost(WAIT).until(() -> receiver.byUser().containsKey("watcher-" + tag));
        receiver.mode(WebhookReceiver.Mode.REFUSE);
        String flapping = "flapping-" + tag;
        int rounds = 70; // 140 transitions: more than an entry keeps undelivered
        for (int i = 1; i <= rounds; i++) {
            TestClient session = nodes.clients().loginUntracked(0, flapping);
            int logins = i;
            // each transition heard before the next step, so none is folded into the next
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                    .until(() -> watcher.presenceStream(flapping).size() == 2 * logins - 1);
            session.close();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                    .until(() -> watcher.presenceStream(flapping).size() == 2 * logins);
        }
        String steady = "steady-" + tag;
        nodes.clients().login(0, steady);
        await().atMost(WAIT).until(() -> watcher.presenceStream(steady).size() == 1);
        receiver.mode(WebhookReceiver.Mode.ACCEPT);
        Map<String, List<Boolean>> heard = transitions(watcher, tag);
        heard.remove("watcher-" + tag);
        assertEquals(2 * rounds, heard.get(flapping).size());
        everyTransitionArrivedInOrder(heard);
    }

    @Test
    void aSenderThatCrashesWithABatchInFlightLosesNothing() {
        start(3);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = watching(tag);
        await().atMost(WAIT).until(() -> receiver.byUser().containsKey("watcher-" + tag));
        receiver.mode(WebhookReceiver.Mode.HOLD);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String user = "crash-" + tag + "-" + i;
            users.add(user);
            nodes.clients().loginUntracked(2, user); // node 2 decides these logins, so it sends them
        }
        await().atMost(WAIT).until(() -> receiver.held() >= 1);
        receiver.mode(WebhookReceiver.Mode.ACCEPT);
        nodes.cluster().crash(2);
        // the survivors log the crashed node's users out and take over its undelivered logins
        await().atMost(WAIT).until(() -> users.stream().allMatch(u -> transitions(watcher, tag)
                .getOrDefault(u, List.of()).equals(List.of(true, false))));
        everyTransitionArrivedInOrder(transitions(watcher, tag));
        for (String user : users) {
            assertEquals(List.of(true, false), receiver.byUser().get(user).stream().map(WebhookReceiver.Event::online).toList());
        }
    }

    @Test
    void theLogoutsOfANodeThatStopsGracefullyArriveToo() {
        start(3);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = watching(tag);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String user = "leaving-" + tag + "-" + i;
            users.add(user);
            nodes.clients().loginUntracked(2, user);
        }
        await().atMost(WAIT).until(() -> users.stream().allMatch(u -> receiver.byUser().containsKey(u)));
        // node 2 decides its users' logouts as it drains, then leaves: a survivor sends what it did not
        nodes.cluster().stop(2);
        await().atMost(WAIT).until(() -> users.stream().allMatch(u -> transitions(watcher, tag)
                .getOrDefault(u, List.of()).equals(List.of(true, false))));
        everyTransitionArrivedInOrder(transitions(watcher, tag));
    }
}
