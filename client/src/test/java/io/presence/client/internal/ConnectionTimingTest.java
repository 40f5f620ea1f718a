package io.presence.client.internal;

import io.presence.client.ConnectionListener;
import io.presence.client.ConnectionState;
import io.presence.client.LoginResult;
import io.presence.client.PresenceException;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.PresenceMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeat, reconnection backoff and timeouts on a fake clock, against an in-memory server. */
@Tag("unit")
class ConnectionTimingTest {

    private static final URI A = URI.create("ws://a:6020/deepstream");
    private static final URI B = URI.create("ws://b:6020/deepstream");
    private static final long BEAT = 1_000;
    private static final long MIN_DELAY = 100;
    private static final long MAX_DELAY = 800;
    private static final long OFFLINE = 5_000;
    private static final long REQUEST = 3_000;

    private final FakeLoop loop = new FakeLoop();
    private final FakeServer server = new FakeServer(loop);
    private final long start = loop.now();
    private final List<ConnectionState> states = new ArrayList<>();
    private final RealPresenceClient client = new RealPresenceClient(
            new RealPresenceClient.Settings(List.of(A, B), false, Duration.ofMillis(BEAT), Duration.ofMillis(MIN_DELAY),
                    Duration.ofMillis(MAX_DELAY), Duration.ofMillis(OFFLINE), Duration.ofMillis(REQUEST)),
            loop, server, Runnable::run, null, new ConnectionListener() {
                @Override
                public void onStateChanged(ConnectionState state) {
                    states.add(state);
                }
            }, NO_JITTER);

    /** Always the first URL and the whole backoff: the figures below stay exact. */
    private static final RandomGenerator NO_JITTER = () -> 0L;

    private LoginResult login() {
        return client.login(Map.of("username", "Alex")).join();
    }

    /** When the client tried to connect, from the start of the test. */
    private List<Long> attemptTimes() {
        return server.attempts.stream().map(a -> a.at() - start).toList();
    }

    @Test
    void aConnectionThatAnswersIsPingedEveryIntervalAndKept() {
        assertTrue(login().isLoggedIn());
        loop.advance(5 * BEAT);
        assertEquals(5, server.last().count(ConnectionMessage.Action.PING));
        assertEquals(1, server.attempts.size());
        assertEquals(ConnectionState.CONNECTED, client.state());
    }

    @Test
    void aConnectionSilentForTwoHeartbeatsIsDroppedAndTheNextUrlTriedAfterTheBackoff() {
        login();
        server.answering = false;
        loop.advance(2 * BEAT);
        assertEquals(ConnectionState.CONNECTED, client.state(), "two intervals of silence are allowed");
        loop.advance(BEAT);
        assertEquals(ConnectionState.RECONNECTING, client.state());
        assertTrue(server.connections.get(0).closed, "the silent connection was dropped");
        long droppedAt = loop.now() - start;
        server.answering = true;
        loop.advance(MIN_DELAY);
        assertEquals(List.of(0L, droppedAt + MIN_DELAY), attemptTimes());
        assertEquals(B, server.last().url);
        assertEquals(ConnectionState.CONNECTED, client.state(), "logged in again with the same data");
        assertEquals(List.of(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ConnectionState.CONNECTED), states);
    }

    @Test
    void theBackoffDoublesUpToTheMaximumMovingAlongTheUrls() {
        server.refusing = true;
        CompletableFuture<LoginResult> login = client.login(Map.of("username", "Alex"));
        loop.advance(OFFLINE - 1);
        List<Long> expected = new ArrayList<>(List.of(0L));
        long at = 0;
        for (long delay : new long[] {100, 200, 400, 800, 800, 800}) {
            at += delay;
            expected.add(at);
        }
        assertEquals(expected, attemptTimes().subList(0, expected.size()));
        for (int i = 0; i < 7; i++) {
            assertEquals(i % 2 == 0 ? A : B, server.attempts.get(i).url());
        }
        assertFalse(login.isDone());
        loop.advance(1);
        assertInstanceOf(PresenceException.ClientOffline.class, assertThrows(CompletionException.class, login::join).getCause(),
                "no connection within the offline timeout");
    }

    @Test
    void clientsStartAtRandomUrlsAndTakeEachBackoffAtRandomFromItsUpperHalf() {
        Set<URI> firstUrls = new HashSet<>();
        List<Long> delays = new ArrayList<>();
        for (int seed = 0; seed < 20; seed++) {
            FakeLoop ownLoop = new FakeLoop();
            FakeServer refusing = new FakeServer(ownLoop);
            refusing.refusing = true;
            RealPresenceClient c = new RealPresenceClient(new RealPresenceClient.Settings(List.of(A, B), false,
                    Duration.ofMillis(BEAT), Duration.ofMillis(MIN_DELAY), Duration.ofMillis(MAX_DELAY),
                    Duration.ofMillis(OFFLINE), Duration.ofMillis(REQUEST)), ownLoop, refusing, Runnable::run, null,
                    new ConnectionListener() { }, new SplittableRandom(seed));
            c.login(Map.of("username", "Alex"));
            ownLoop.advance(MIN_DELAY + 2 * MIN_DELAY);
            firstUrls.add(refusing.attempts.get(0).url());
            delays.add(refusing.attempts.get(1).at() - refusing.attempts.get(0).at());
        }
        assertEquals(Set.of(A, B), firstUrls, "clients of one list do not all start at its first URL");
        assertTrue(delays.stream().allMatch(d -> d >= MIN_DELAY / 2 && d <= MIN_DELAY), delays.toString());
        assertTrue(delays.stream().distinct().count() > 5, "the same loss does not bring them back together: " + delays);
    }

    @Test
    void subscriptionsAreAskedForAgainInRequestsTheServerTakes() {
        login();
        for (int i = 0; i < 2500; i++) {
            client.presence().subscribe("user-" + i, (name, online) -> { });
        }
        server.last().handler.onClosed(1001, "node stopping");
        loop.advance(MIN_DELAY);
        List<Integer> sizes = server.last().received.stream()
                .filter(m -> m instanceof PresenceMessage p && p.action() == PresenceMessage.Action.SUBSCRIBE)
                .map(m -> ((PresenceMessage) m).names().size()).toList();
        assertEquals(List.of(1000, 1000, 500), sizes);
    }

    @Test
    void aLateAnswerToAGetAllThatTimedOutDoesNotAnswerTheNextOne() {
        login();
        CompletableFuture<List<String>> first = client.presence().getAll();
        loop.advance(REQUEST);
        assertTrue(first.isCompletedExceptionally());
        CompletableFuture<List<String>> second = client.presence().getAll();
        // as deepstream answers: in order, without the correlationId
        server.last().reply(PresenceMessage.queryAllResponse(null, List.of("stale")));
        assertFalse(second.isDone(), "the first query's late answer is not the second's");
        server.last().reply(PresenceMessage.queryAllResponse(null, List.of("fresh")));
        assertEquals(List.of("fresh"), second.join());
    }

    @Test
    void theBackoffStartsAgainFromTheMinimumAfterALogin() {
        server.refusing = true;
        client.login(Map.of("username", "Alex"));
        loop.advance(MIN_DELAY + 2 * MIN_DELAY);
        server.refusing = false;
        loop.advance(4 * MIN_DELAY);
        assertEquals(ConnectionState.CONNECTED, client.state());
        int before = server.attempts.size();
        server.last().handler.onClosed(1001, "node stopping");
        long lostAt = loop.now();
        loop.advance(MIN_DELAY);
        assertEquals(before + 1, server.attempts.size());
        assertEquals(lostAt + MIN_DELAY, server.attempts.get(before).at());
    }

    @Test
    void aQueryWithoutAnAnswerFailsAfterTheRequestTimeout() {
        login();
        server.answering = false;
        CompletableFuture<List<String>> query = client.presence().getAll();
        loop.advance(REQUEST - 1);
        assertFalse(query.isDone());
        loop.advance(1);
        assertInstanceOf(PresenceException.Timeout.class, assertThrows(CompletionException.class, query::join).getCause());
    }

    @Test
    void aCallMadeOfflineWaitsForTheNextLoginOrFailsAfterTheOfflineTimeout() {
        login();
        server.refusing = true;
        server.last().handler.onClosed(1001, "node stopping");
        CompletableFuture<List<String>> late = client.presence().getAll();
        loop.advance(OFFLINE);
        assertInstanceOf(PresenceException.ClientOffline.class, assertThrows(CompletionException.class, late::join).getCause());

        CompletableFuture<Map<String, Boolean>> waiting = client.presence().getAll(List.of("Ben"));
        server.refusing = false;
        loop.advance(MAX_DELAY);
        assertEquals(ConnectionState.CONNECTED, client.state());
        assertFalse(waiting.isDone(), "sent once logged in; the server has not answered yet");
        assertEquals(1, server.last().received.stream().filter(m -> m instanceof PresenceMessage).count());
    }
}
