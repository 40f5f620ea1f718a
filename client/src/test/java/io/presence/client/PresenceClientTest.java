package io.presence.client;

import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static io.presence.node.support.UniqueNames.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK against three real nodes: every call of the presence API, across nodes. */
@Tag("in-jvm")
class PresenceClientTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static TestCluster cluster;
    private final List<PresenceClient> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(PresenceClient::close);
        clients.clear();
    }

    private PresenceClient client(int node) {
        PresenceClient c = PresenceClient.builder().url("127.0.0.1:" + cluster.node(node).port()).build();
        clients.add(c);
        return c;
    }

    private PresenceClient loggedIn(int node, String username) {
        PresenceClient c = client(node);
        LoginResult result = c.login(Map.of("username", username)).join();
        assertTrue(result.isLoggedIn(), result.toString());
        return c;
    }

    /** Records callback invocations as "name:true" / "name:false". */
    static final class Recorder implements PresenceCallback {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onPresenceChange(String username, boolean isLoggedIn) {
            calls.add(username + ":" + isLoggedIn);
        }

        void awaitCall(String call) {
            await().atMost(WAIT).until(() -> calls.contains(call));
        }
    }

    /** Waits until node {@code node} holds {@code count} subscriptions: the server has them. */
    private static void awaitSubscriptions(int node, int count) {
        await().atMost(WAIT).until(() -> cluster.node(node).subscriptionCount() == count);
    }

    @Test
    void theExamplesOfThePresenceApiWorkAcrossNodes() {
        String alex = unique("Alex");
        PresenceClient a = loggedIn(0, unique("A"));
        Recorder everyone = new Recorder();
        Recorder onlyAlex = new Recorder();
        a.presence().subscribe(everyone);
        a.presence().subscribe(alex, onlyAlex);
        awaitSubscriptions(0, 2);

        PresenceClient b = loggedIn(1, alex);
        everyone.awaitCall(alex + ":true");
        onlyAlex.awaitCall(alex + ":true");

        String asker = unique("C");
        PresenceClient c = loggedIn(2, asker);
        // node 2 hears of Alex's login on its own time, not when node 0's subscriber does
        await().atMost(WAIT).until(() -> c.presence().getAll().join().contains(alex));
        List<String> online = c.presence().getAll().join();
        assertFalse(online.contains(asker), "getAll() leaves out the asker");
        assertEquals(Map.of(alex, true, "Pedro", false), c.presence().getAll(List.of(alex, "Pedro")).join());

        AtomicReference<List<String>> viaCallback = new AtomicReference<>();
        c.presence().getAll((error, result) -> {
            assertNull(error);
            viaCallback.set(result);
        });
        await().atMost(WAIT).until(() -> viaCallback.get() != null && viaCallback.get().contains(alex));
        AtomicReference<Map<String, Boolean>> someViaCallback = new AtomicReference<>();
        c.presence().getAll(List.of(alex), (error, result) -> someViaCallback.set(result));
        await().atMost(WAIT).until(() -> Map.of(alex, true).equals(someViaCallback.get()));

        a.presence().unsubscribe(everyone);
        awaitSubscriptions(0, 1);
        b.close();
        onlyAlex.awaitCall(alex + ":false");
        assertEquals(List.of(alex + ":true", alex + ":false"), onlyAlex.calls);
        assertFalse(everyone.calls.contains(alex + ":false"));
    }

    @Test
    void concurrentGetAllCallsEachGetTheirOwnAnswer() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = unique("U" + i);
            names.add(name);
            loggedIn(i % 3, name);
        }
        PresenceClient asker = loggedIn(1, unique("asker"));
        await().atMost(WAIT).until(() -> asker.presence().getAll().join().containsAll(names));
        List<CompletableFuture<Map<String, Boolean>>> perName = new ArrayList<>();
        List<CompletableFuture<List<String>>> everyone = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            perName.add(asker.presence().getAll(List.of(names.get(i % 5), "nobody-" + i)));
            everyone.add(asker.presence().getAll());
        }
        for (int i = 0; i < 40; i++) {
            assertEquals(Map.of(names.get(i % 5), true, "nobody-" + i, false), perName.get(i).join());
            assertTrue(everyone.get(i).join().containsAll(names));
        }
    }

    @Test
    void unsubscribeOfOneCallbackFromANameKeepsTheOthersAndNeverThrows() {
        String ben = unique("Ben");
        PresenceClient a = loggedIn(0, unique("A"));
        Recorder kept = new Recorder();
        Recorder removed = new Recorder();
        a.presence().subscribe(ben, kept);
        a.presence().subscribe(ben, removed);
        a.presence().unsubscribe(ben, removed);
        a.presence().unsubscribe(ben, new Recorder());
        a.presence().unsubscribe(unique("never-subscribed"), kept);
        awaitSubscriptions(0, 1);
        loggedIn(2, ben);
        kept.awaitCall(ben + ":true");
        assertEquals(List.of(), removed.calls);
    }

    @Test
    void unsubscribeWithoutArgumentsAlsoStopsPerNameSubscriptionsOnTheServer() {
        PresenceClient a = loggedIn(1, unique("A"));
        a.presence().subscribe(new Recorder());
        a.presence().subscribe(unique("x"), new Recorder());
        a.presence().subscribe(unique("y"), new Recorder());
        awaitSubscriptions(1, 3);
        a.presence().unsubscribe();
        awaitSubscriptions(1, 0);
    }

    @Test
    void unsubscribeByUsernameRemovesEveryCallbackOfThatName() {
        String carl = unique("Carl");
        String marker = unique("marker");
        PresenceClient a = loggedIn(0, unique("A"));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder all = new Recorder();
        a.presence().subscribe(carl, first);
        a.presence().subscribe(carl, second);
        a.presence().unsubscribe(carl);
        a.presence().subscribe(all);
        awaitSubscriptions(0, 1);
        loggedIn(1, carl);
        loggedIn(1, marker);
        all.awaitCall(marker + ":true");
        assertTrue(all.calls.contains(carl + ":true"));
        assertEquals(List.of(), first.calls);
        assertEquals(List.of(), second.calls);
    }

    @Test
    void aCallbackThatThrowsDoesNotBreakTheClient() {
        String dan = unique("Dan");
        PresenceClient a = loggedIn(2, unique("A"));
        Recorder after = new Recorder();
        a.presence().subscribe((u, on) -> {
            throw new IllegalStateException("user code fails");
        });
        a.presence().subscribe(after);
        awaitSubscriptions(2, 1);
        PresenceClient d = loggedIn(0, dan);
        after.awaitCall(dan + ":true");
        d.close();
        after.awaitCall(dan + ":false");
        assertEquals(Map.of(dan, false), a.presence().getAll(List.of(dan)).join(), "the client still answers");
    }

    @Test
    void anonymousLoginIsNeverShownInPresence() {
        PresenceClient anonymous = client(0);
        assertTrue(anonymous.login().join().isLoggedIn());
        String name = unique("O");
        PresenceClient other = loggedIn(1, name);
        // the anonymous client may ask (it sees the user of the other node once that login reached its node)
        await().atMost(WAIT).until(() -> anonymous.presence().getAll().join().contains(name));
        List<String> online = other.presence().getAll().join();
        assertFalse(online.contains("open"));
        assertFalse(online.contains(""));
    }

    @Test
    void aRefusedLoginCarriesTheReason() {
        PresenceClient c = client(0);
        LoginResult refused = c.login(Map.of("username", "")).join();
        assertFalse(refused.isLoggedIn());
        assertTrue(refused.reason().orElseThrow().contains("non-empty string"), refused.toString());
        assertTrue(c.login(Map.of("username", unique("second-try"))).join().isLoggedIn());
    }

    @Test
    void invalidArgumentsFailFast() {
        PresenceClient c = client(0);
        Presence p = c.presence();
        assertThrows(NullPointerException.class, () -> p.subscribe(null));
        assertThrows(NullPointerException.class, () -> p.subscribe("x", null));
        assertThrows(IllegalArgumentException.class, () -> p.subscribe("", new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> p.getAll(List.of()));
        assertThrows(IllegalArgumentException.class, () -> p.getAll(List.of("ok", "")));
        assertThrows(NullPointerException.class, () -> p.getAll((ResultCallback<List<String>>) null));
        assertThrows(NullPointerException.class, () -> c.login(null));
        assertThrows(IllegalArgumentException.class, () -> PresenceClient.builder().url("http://x"));
        assertThrows(IllegalStateException.class, () -> PresenceClient.builder().build());
        assertThrows(IllegalArgumentException.class, () -> PresenceClient.builder().heartbeatInterval(Duration.ZERO));
    }

    @Test
    void queriesBeforeAnyLoginFailAsOffline() {
        PresenceClient c = client(0);
        CompletionException e = assertThrows(CompletionException.class, () -> c.presence().getAll().join());
        assertInstanceOf(PresenceException.ClientOffline.class, e.getCause());
    }

    @Test
    void callsAfterCloseFailAsClosed() {
        PresenceClient c = loggedIn(0, unique("closer"));
        c.close();
        assertEquals(ConnectionState.CLOSED, c.state());
        CompletionException e = assertThrows(CompletionException.class, () -> c.presence().getAll().join());
        assertInstanceOf(PresenceException.ClientClosed.class, e.getCause());
    }

    @Test
    void callbacksRunOnTheGivenExecutor() {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService mine = java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "my-callbacks"));
        try {
            PresenceClient c = PresenceClient.builder().url("127.0.0.1:" + cluster.node(0).port())
                    .callbackExecutor(mine).build();
            clients.add(c);
            c.login(Map.of("username", unique("exec"))).thenRun(() -> threads.add(Thread.currentThread().getName())).join();
            String eve = unique("Eve");
            c.presence().subscribe((u, on) -> threads.add(Thread.currentThread().getName()));
            awaitSubscriptions(0, 1);
            loggedIn(1, eve);
            await().atMost(WAIT).until(() -> threads.size() == 2);
            assertEquals(List.of("my-callbacks", "my-callbacks"), threads);
        } finally {
            mine.shutdown();
        }
    }
}
