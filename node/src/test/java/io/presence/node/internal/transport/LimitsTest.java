package io.presence.node.internal.transport;

import io.presence.node.support.LogCapture;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.vertx.core.json.JsonObject;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limit over real connections, on a node whose limits are small: the client over it gets a
 * clear error (a close reason or an error message), the node logs a line, and everyone else is
 * served as before. 127.0.0.2 plays a trusted load balancer.
 */
@Tag("in-jvm")
class LimitsTest {

    private static final String PROXY = "127.0.0.2";
    private static TestCluster cluster;
    private static Vertx vertx;
    private static WebSocketClient direct;
    private static WebSocketClient viaProxy;
    private static int port;
    private final List<TestClient> open = new ArrayList<>();
    private LogCapture log;

    @BeforeAll
    static void startNode() {
        cluster = TestCluster.start(1, Map.of(
                "max.connections", "5",
                "max.connections.per.address", "3",
                "max.pending.logins", "2",
                "max.messages.per.second", "20",
                "max.message.burst", "10",
                "max.subscriptions", "5",
                "max.node.subscriptions", "12",
                "max.request.names", "4",
                "trusted.proxies", PROXY));
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
        direct = vertx.createWebSocketClient();
        viaProxy = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(PROXY));
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @BeforeEach
    void startLog() {
        log = LogCapture.start();
    }

    @AfterEach
    void closeAll() {
        open.forEach(TestClient::close);
        log.close();
        await().atMost(TestClient.WAIT).until(() -> cluster.node(0).connectionCount() == 0);
    }

    private TestClient connect(WebSocketClient client, String forwardedFor) {
        return connect(client, forwardedFor == null ? List.of() : List.of(forwardedFor));
    }

    /** Connects with one X-Forwarded-For header line per entry of {@code forwardedFor}. */
    private TestClient connect(WebSocketClient client, List<String> forwardedFor) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port);
        forwardedFor.forEach(line -> options.addHeader("X-Forwarded-For", line));
        TestClient c = TestClient.connect(client, options, Endpoint.BINARY);
        open.add(c);
        return c;
    }

    private TestClient loggedIn(WebSocketClient client, String forwardedFor, String username) {
        return loggedIn(client, forwardedFor == null ? List.of() : List.of(forwardedFor), username);
    }

    private TestClient loggedIn(WebSocketClient client, List<String> forwardedFor, String username) {
        TestClient c = connect(client, forwardedFor);
        c.handshake();
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL, c.authenticate("{\"username\":\"" + username + "\"}").action());
        return c;
    }

    private static void assertRefused(TestClient c, short code, String reason) {
        c.awaitClosed();
        assertEquals(code, c.closeStatus());
        assertTrue(c.closeReason().contains(reason), c.closeReason());
    }

    @Test
    void aConnectionPastTheLimitForItsAddressIsClosedWithTheReasonAndTheOthersStay() {
        List<TestClient> three = List.of(loggedIn(direct, (String) null, "a1"), loggedIn(direct, (String) null, "a2"), loggedIn(direct, (String) null, "a3"));
        TestClient fourth = connect(direct, (String) null);
        assertRefused(fourth, (short) 1008, "at most 3 connections from one address (127.0.0.1)");
        assertTrue(log.contains("connection refused: at most 3 connections from one address"), log.lines().toString());
        three.forEach(TestClient::roundTrip);

        three.get(0).close();
        await().atMost(TestClient.WAIT).until(() -> cluster.node(0).connectionCount() == 2);
        loggedIn(direct, (String) null, "a4").roundTrip();
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimitAndAForgedHeaderCountsForNothing() {
        for (int i = 0; i < 3; i++) {
            loggedIn(viaProxy, "10.1.1.1, 203.0.113.9", "p" + i);
        }
        assertRefused(connect(viaProxy, "203.0.113.9"), (short) 1008, "(203.0.113.9)");
        loggedIn(viaProxy, "203.0.113.10", "q").roundTrip();

        // 127.0.0.1 is no trusted proxy: what it claims is ignored, and it counts as itself
        loggedIn(direct, "198.51.100.1", "r").roundTrip();
        assertEquals(5, cluster.node(0).connectionCount());
    }

    @Test
    void aProxyThatAddsItsOwnForwardedForLineIsReadFromItsLineNotTheClientsForgedOne() {
        // as HAProxy's option forwardfor does: the client's own (forged) line first, the proxy's after it
        for (int i = 0; i < 3; i++) {
            loggedIn(viaProxy, List.of("203.0.113." + (100 + i), "198.51.100.7"), "lines" + i);
        }
        assertRefused(connect(viaProxy, List.of("203.0.113.200", "198.51.100.7")), (short) 1008, "(198.51.100.7)");
    }

    @Test
    void pastTheNodesConnectionLimitNewConnectionsAreToldToTryLater() {
        for (int i = 0; i < 5; i++) {
            loggedIn(viaProxy, "203.0.113." + i, "n" + i);
        }
        assertRefused(connect(viaProxy, "203.0.113.99"), (short) 1013, "this node has 5 connections, its limit");
        open.get(0).roundTrip();
    }

    @Test
    void connectionsThatDoNotLogInAreCappedAndALoginMakesRoomAgain() {
        TestClient first = connect(direct, (String) null);
        connect(direct, (String) null);
        await().atMost(TestClient.WAIT).until(() -> cluster.node(0).connectionCount() == 2);
        assertRefused(connect(viaProxy, "203.0.113.50"), (short) 1013, "2 connections are waiting to log in");

        first.handshake();
        first.authenticate("{\"username\":\"now-in\"}");
        connect(viaProxy, "203.0.113.50").handshake();
    }

    @Test
    void aClientOverItsMessageRateIsWarnedThenClosedWhileAPoliteOneIsServed() {
        TestClient polite = loggedIn(direct, (String) null, "polite");
        TestClient flood = loggedIn(direct, (String) null, "flood");
        for (int i = 0; i < 200; i++) {
            flood.send(ConnectionMessage.of(ConnectionMessage.Action.PING));
        }
        Message warning = flood.expect(m -> m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.ERROR);
        assertTrue(((ConnectionMessage) warning).data().contains("more than 20 messages a second"), warning.toString());
        assertRefused(flood, (short) 1008, "message rate exceeded");
        assertTrue(flood.count(m -> m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.PONG) <= 12,
                "pings past the burst are dropped, not answered");
        assertTrue(log.contains("messages a second; dropping the excess"), log.lines().toString());
        assertTrue(log.contains("kept sending over its message rate; closing"), log.lines().toString());

        for (int i = 0; i < 8; i++) {
            polite.roundTrip();
        }
        assertFalse(polite.isClosed());
    }

    @Test
    void subscriptionsPastTheLimitAreRefusedWholeAndUnsubscribingMakesRoom() {
        TestClient c = loggedIn(direct, (String) null, "subscriber");
        subscribe(c, "a", "b", "c");
        assertInvalidUsers(c, Action.SUBSCRIBE, "at most 5 names", "d", "e", "f");
        subscribe(c, "c", "d", "e"); // c again: already subscribed, so still 5
        assertInvalidUsers(c, Action.SUBSCRIBE, "at most 5 names", "f");
        String id = c.nextCorrelationId();
        c.send(PresenceMessage.request(Action.UNSUBSCRIBE, id, List.of("a")));
        c.expect(PresenceMessage.ack(Action.UNSUBSCRIBE, id));
        subscribe(c, "f");
        assertTrue(log.contains("would be subscribed to more than 5 names"), log.lines().toString());
    }

    @Test
    void pastTheNodesSubscriptionLimitASubscribeIsRefusedWhateverTheConnectionHolds() {
        // the subscriptions of earlier tests' connections go once their closes reach the presence thread
        await().atMost(TestClient.WAIT).until(() -> cluster.node(0).subscriptionCount() == 0);
        TestClient first = loggedIn(direct, (String) null, "node-subs-1");
        TestClient second = loggedIn(direct, (String) null, "node-subs-2");
        TestClient third = loggedIn(viaProxy, "203.0.113.77", "node-subs-3");
        subscribe(first, "a", "b", "c", "d");
        subscribe(first, "e");
        subscribe(second, "a", "b", "c", "d");
        subscribe(second, "e");
        assertInvalidUsers(third, Action.SUBSCRIBE, "this node holds 12 subscriptions, its limit", "f", "g", "h");
        assertTrue(log.contains("subscriptions; SUBSCRIBE of"), log.lines().toString());
        first.close();
        await().atMost(TestClient.WAIT).untilAsserted(() -> {
            String id = third.nextCorrelationId();
            third.send(PresenceMessage.request(Action.SUBSCRIBE, id, List.of("f", "g", "h")));
            third.expect(m -> m instanceof PresenceMessage p && id.equals(p.correlationId()) && p.isAck());
        });
    }

    @Test
    void aRequestWithTooManyNamesIsRefusedWithTheLimit() {
        TestClient c = loggedIn(direct, (String) null, "asker");
        assertInvalidUsers(c, Action.QUERY, "at most 4 names per request", "a", "b", "c", "d", "e");
        String id = c.nextCorrelationId();
        c.send(PresenceMessage.request(Action.QUERY, id, List.of("a", "b", "c", "asker")));
        PresenceMessage answer = (PresenceMessage) c.expect(m -> m instanceof PresenceMessage p
                && p.action() == Action.QUERY_RESPONSE && id.equals(p.correlationId()));
        assertEquals(Map.of("a", false, "b", false, "c", false, "asker", true), new JsonObject(answer.data()).getMap());
    }

    private static void subscribe(TestClient c, String... names) {
        String id = c.nextCorrelationId();
        c.send(PresenceMessage.request(Action.SUBSCRIBE, id, List.of(names)));
        c.expect(PresenceMessage.ack(Action.SUBSCRIBE, id));
    }

    private static void assertInvalidUsers(TestClient c, Action original, String reason, String... names) {
        String id = c.nextCorrelationId();
        c.send(PresenceMessage.request(original, id, List.of(names)));
        Predicate<Message> refusal = m -> m instanceof PresenceMessage p && p.action() == Action.INVALID_PRESENCE_USERS
                && id.equals(p.correlationId());
        PresenceMessage error = (PresenceMessage) c.expect(refusal);
        assertTrue(error.isError());
        assertTrue(error.data().contains(reason), error.data());
    }
}
