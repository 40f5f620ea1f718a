package io.presence.node.internal.session;

import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static io.presence.node.support.UniqueNames.unique;
import static io.presence.node.support.TestClient.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol conversation of "wire-protocol.md", over real WebSockets to one real node, on both endpoints. */
@Tag("in-jvm")
class ConversationTest {

    private static TestCluster cluster;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void startNode() {
        cluster = TestCluster.start(1);
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void challengeIsAcceptedAndLoginSucceedsWithoutClientData(Endpoint endpoint) {
        try (TestClient c = TestClient.connect(vertx, port, endpoint)) {
            c.handshake();
            c.send(AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"" + unique("Alex") + "\"}"));
            AuthMessage reply = (AuthMessage) c.expect(m -> m instanceof AuthMessage);
            assertEquals(AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, null), reply);
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void pingIsAnsweredWithPongOnceAuthenticated(Endpoint endpoint) {
        try (TestClient c = TestClient.loggedIn(vertx, port, endpoint, unique("pinger"))) {
            c.roundTrip();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void anythingButChallengeFirstIsAnInvalidConnectionMessage(Endpoint endpoint) {
        try (TestClient c = TestClient.connect(vertx, port, endpoint)) {
            c.send(PresenceMessage.of(Action.QUERY_ALL));
            ConnectionMessage reply = (ConnectionMessage) c.expect(m -> m instanceof ConnectionMessage);
            assertEquals(ConnectionMessage.Action.INVALID_MESSAGE, reply.action());
            c.handshake();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void requestBeforeLoginIsAnInvalidAuthMessage(Endpoint endpoint) {
        try (TestClient c = TestClient.connect(vertx, port, endpoint)) {
            c.handshake();
            c.send(PresenceMessage.of(Action.SUBSCRIBE_ALL));
            AuthMessage reply = (AuthMessage) c.expect(m -> m instanceof AuthMessage);
            assertEquals(AuthMessage.Action.INVALID_MESSAGE, reply.action());
            assertFalse(c.isClosed());
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void loginDataThatIsNotAnObjectIsInvalidMessageDataAndCloses(Endpoint endpoint) {
        for (String data : List.of("\"Alex\"", "[1,2]", "{not json")) {
            TestClient c = TestClient.connect(vertx, port, endpoint);
            c.handshake();
            if (endpoint == Endpoint.JSON) {
                // as a "data" string: a raw parsedData that is not JSON would break the frame itself
                c.sendText("{\"topic\":3,\"action\":2,\"data\":" + io.presence.protocol.JsonText.quote(data) + "}");
            } else {
                c.send(AuthMessage.of(AuthMessage.Action.REQUEST, data));
            }
            AuthMessage reply = (AuthMessage) c.expect(m -> m instanceof AuthMessage);
            assertEquals(AuthMessage.Action.INVALID_MESSAGE_DATA, reply.action(), data);
            c.awaitClosed();
            c.close();
        }
        try (TestClient survivor = TestClient.loggedIn(vertx, port, endpoint, unique("after-bad-auth"))) {
            survivor.roundTrip();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void badUsernamesAreRefusedWithAReasonThenTooManyAttemptsCloses(Endpoint endpoint) {
        try (TestClient c = TestClient.connect(vertx, port, endpoint)) {
            c.handshake();
            List<String> bad = List.of("{\"username\":42}", "{\"username\":\"\"}",
                    "{\"username\":\"" + "x".repeat(129) + "\"}");
            for (int i = 0; i < 2; i++) {
                c.send(AuthMessage.of(AuthMessage.Action.REQUEST, bad.get(i)));
                AuthMessage reply = (AuthMessage) c.expect(m -> m instanceof AuthMessage);
                assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, reply.action());
                assertTrue(reply.data().contains("at most 128 characters"), reply.data());
            }
            c.send(AuthMessage.of(AuthMessage.Action.REQUEST, bad.get(2)));
            AuthMessage third = (AuthMessage) c.expect(m -> m instanceof AuthMessage);
            assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, third.action(), "as deepstream: the refusal, then the verdict");
            AuthMessage last = (AuthMessage) c.expect(m -> m instanceof AuthMessage);
            assertEquals(AuthMessage.Action.TOO_MANY_AUTH_ATTEMPTS, last.action());
            c.awaitClosed();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void usernameOfExactly128CharactersIsAccepted(Endpoint endpoint) {
        String name = unique("n") + "y".repeat(128 - 10);
        assertEquals(128, name.length());
        try (TestClient c = TestClient.loggedIn(vertx, port, endpoint, name)) {
            c.roundTrip();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void subscribeAllIsAckedAndTwiceWarnsMultipleSubscriptions(Endpoint endpoint) {
        try (TestClient c = TestClient.loggedIn(vertx, port, endpoint, unique("sub"))) {
            c.subscribeAll();
            c.send(PresenceMessage.of(Action.SUBSCRIBE_ALL));
            c.expect(PresenceMessage.aboutName(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE_ALL, null,
                    PresenceMessage.EVERYONE, false));
            c.expect(PresenceMessage.ack(Action.SUBSCRIBE_ALL, null));
            c.send(PresenceMessage.of(Action.UNSUBSCRIBE_ALL));
            c.expect(PresenceMessage.ack(Action.UNSUBSCRIBE_ALL, null));
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void subscribingToANameTwiceWarnsBeforeTheAck(Endpoint endpoint) {
        try (TestClient c = TestClient.loggedIn(vertx, port, endpoint, unique("sub"))) {
            c.subscribe("Alex");
            c.send(PresenceMessage.request(Action.SUBSCRIBE, "9", List.of("Alex", "Ben")));
            Message first = c.expect(m -> m instanceof PresenceMessage p && "9".equals(p.correlationId()));
            assertEquals(PresenceMessage.aboutName(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE, "9", "Alex", false), first);
            c.expect(PresenceMessage.ack(Action.SUBSCRIBE, "9"));
            c.send(PresenceMessage.request(Action.UNSUBSCRIBE, "10", List.of("Alex", "Ben")));
            c.expect(PresenceMessage.ack(Action.UNSUBSCRIBE, "10"));
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void queryAllLeavesOutTheRequesterAndEchoesTheCorrelationId(Endpoint endpoint) {
        String me = unique("me");
        String other = unique("other");
        try (TestClient a = TestClient.loggedIn(vertx, port, endpoint, me);
             TestClient b = TestClient.loggedIn(vertx, port, endpoint, other)) {
            org.awaitility.Awaitility.await().atMost(TestClient.WAIT).until(() -> a.queryAll().contains(other));
            assertFalse(a.queryAll().contains(me));
            a.send(PresenceMessage.request(Action.QUERY_ALL, "q1", List.of()));
            PresenceMessage answer = (PresenceMessage) a.expect(m -> m instanceof PresenceMessage p
                    && p.action() == Action.QUERY_ALL_RESPONSE);
            assertEquals("q1", answer.correlationId());
            assertTrue(answer.names().contains(other));
            assertFalse(answer.names().contains(me));
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void queryAnswersPerNameIncludingTheRequesterAndCollapsesDuplicates(Endpoint endpoint) {
        String me = unique("Nia");
        String nobody = unique("Nobody");
        try (TestClient a = TestClient.loggedIn(vertx, port, endpoint, me)) {
            org.awaitility.Awaitility.await().atMost(TestClient.WAIT).until(() -> {
                a.send(PresenceMessage.request(Action.QUERY, "0", List.of(me, nobody, me)));
                PresenceMessage answer = (PresenceMessage) a.expect(m -> m instanceof PresenceMessage p
                        && p.action() == Action.QUERY_RESPONSE);
                return answer.equals(PresenceMessage.queryResponse("0",
                        "{\"" + me + "\":true,\"" + nobody + "\":false}"));
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void joinAndLeaveReachSubscribersAllFirstThenNamed(Endpoint endpoint) {
        String ann = unique("Ann");
        try (TestClient watcher = TestClient.loggedIn(vertx, port, endpoint, unique("watcher"))) {
            watcher.subscribeAll();
            watcher.subscribe(ann);
            TestClient user = TestClient.loggedIn(vertx, port, endpoint, ann);
            org.awaitility.Awaitility.await().atMost(TestClient.WAIT).until(() ->
                    watcher.count(presence(Action.PRESENCE_JOIN, ann)) == 1
                            && watcher.count(presence(Action.PRESENCE_JOIN_ALL, ann)) == 1);
            List<Message> all = watcher.received();
            assertTrue(all.indexOf(PresenceMessage.named(Action.PRESENCE_JOIN_ALL, ann))
                    < all.indexOf(PresenceMessage.named(Action.PRESENCE_JOIN, ann)), "JOIN_ALL comes before JOIN");
            watcher.expect(presence(Action.PRESENCE_JOIN_ALL, ann));
            watcher.expect(presence(Action.PRESENCE_JOIN, ann));
            user.close();
            watcher.expect(presence(Action.PRESENCE_LEAVE_ALL, ann));
            watcher.expect(presence(Action.PRESENCE_LEAVE, ann));
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void anonymousLoginsNeverShowInPresence(Endpoint endpoint) {
        String marker = unique("marker");
        try (TestClient watcher = TestClient.loggedIn(vertx, port, endpoint, unique("watcher"))) {
            watcher.subscribeAll();
            TestClient anonymous = TestClient.loggedIn(vertx, port, endpoint, null);
            anonymous.subscribeAll();
            List<String> seenByAnonymous = anonymous.queryAll();
            assertFalse(seenByAnonymous.contains("open"));
            TestClient markerClient = TestClient.loggedIn(vertx, port, endpoint, marker);
            watcher.expect(presence(Action.PRESENCE_JOIN_ALL, marker));
            anonymous.expect(presence(Action.PRESENCE_JOIN_ALL, marker));
            anonymous.close();
            markerClient.close();
            watcher.expect(presence(Action.PRESENCE_LEAVE_ALL, marker));
            assertEquals(0, watcher.count(m -> m instanceof PresenceMessage p
                    && (p.action() == Action.PRESENCE_JOIN_ALL || p.action() == Action.PRESENCE_LEAVE_ALL)
                    && (p.name() == null || p.name().isEmpty() || p.name().equals("open"))),
                    () -> "anonymous session showed up: " + watcher.received());
        }
    }
}
