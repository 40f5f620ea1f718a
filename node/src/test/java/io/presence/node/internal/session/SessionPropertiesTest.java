package io.presence.node.internal.session;

import io.presence.node.support.LogCapture;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.presence.protocol.Topic;
import io.presence.protocol.testing.RandomInput;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static io.presence.protocol.testing.PropertyCheck.property;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of requests, bad frames, logins and logouts against a real node, over real
 * connections: whatever a client sends, every request gets its reply, no event arrives about a name
 * it never subscribed to (nor about itself), no error escapes into the node's log, and a bystander
 * is served throughout.
 */
@Tag("in-jvm")
class SessionPropertiesTest {

    private static final int NAMES = 5;
    private static TestCluster cluster;
    private static Vertx vertx;
    private static WebSocketClient sockets;
    private static int port;

    enum Kind { SUBSCRIBE, UNSUBSCRIBE, SUBSCRIBE_ALL, UNSUBSCRIBE_ALL, QUERY, QUERY_ALL, PING, LOGIN, LOGOUT,
        WRONG_FRAME, CLIENT_ONLY_ACTION, LOGIN_AGAIN }

    /** One step: a kind, the pool names it is about (indices; -1 is the empty name), a random text. */
    record Op(Kind kind, List<Integer> names, String text) {
        @Override
        public String toString() {
            return kind + (names.isEmpty() ? "" : names.toString());
        }
    }

    @BeforeAll
    static void startNode() {
        // the sequences send as fast as they can: the rate limit has its own test
        cluster = TestCluster.start(1, Map.of("max.messages.per.second", "1000000", "max.message.burst", "1000000"));
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
        sockets = TestClient.sharedClient(vertx);
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    private static List<Op> sequence(Random random) {
        List<Op> ops = new ArrayList<>();
        for (int i = 5 + random.nextInt(30); i > 0; i--) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            List<Integer> names = new ArrayList<>();
            int count = kind == Kind.LOGIN || kind == Kind.LOGOUT ? 1 : random.nextInt(4);
            for (int n = 0; n < count; n++) {
                names.add(kind != Kind.LOGIN && kind != Kind.LOGOUT && random.nextInt(12) == 0 ? -1 : random.nextInt(NAMES));
            }
            ops.add(new Op(kind, names, RandomInput.text(random, 20)));
        }
        return ops;
    }

    @Test
    void anySequenceOfRequestsKeepsTheSessionsPromises() {
        property("a session keeps its invariants").tries(200).within(Duration.ofSeconds(20))
                .forAllLists(SessionPropertiesTest::sequence, SessionPropertiesTest::run);
    }

    /** Plays the sequence on fresh connections and checks what came back. */
    private static void run(List<Op> ops) {
        String prefix = "s" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Map<String, TestClient> actors = new HashMap<>();
        List<TestClient> all = new ArrayList<>();
        try (LogCapture log = LogCapture.start("")) {
            TestClient watcher = TestClient.loggedIn(sockets, port, Endpoint.BINARY, prefix + "watcher");
            all.add(watcher);
            TestClient bystander = TestClient.loggedIn(sockets, port, Endpoint.JSON, prefix + "bystander");
            all.add(bystander);
            bystander.subscribe(prefix + "target");

            Set<String> everSubscribed = new HashSet<>();
            boolean everSubscribedAll = false;
            Map<String, Expected> expected = new HashMap<>();
            for (Op op : ops) {
                List<String> names = op.names().stream().map(i -> i < 0 ? "" : prefix + "u" + i).toList();
                String id = watcher.nextCorrelationId();
                switch (op.kind()) {
                    case SUBSCRIBE, UNSUBSCRIBE, QUERY -> {
                        Action action = Action.valueOf(op.kind().name());
                        if (action == Action.SUBSCRIBE && names.stream().noneMatch(String::isEmpty)) {
                            everSubscribed.addAll(names);
                        }
                        watcher.send(PresenceMessage.request(action, id, names));
                        expect(expected, "reply to " + id, m -> m instanceof PresenceMessage p && id.equals(p.correlationId())
                                && (p.action() == Action.INVALID_PRESENCE_USERS || p.isAck() || p.action() == Action.QUERY_RESPONSE));
                    }
                    case SUBSCRIBE_ALL, UNSUBSCRIBE_ALL -> {
                        Action action = Action.valueOf(op.kind().name());
                        everSubscribedAll |= action == Action.SUBSCRIBE_ALL;
                        watcher.send(PresenceMessage.of(action));
                        expect(expected, action.name() + " ack", m -> m instanceof PresenceMessage p && p.isAck() && p.action() == action);
                    }
                    case QUERY_ALL -> {
                        watcher.send(PresenceMessage.of(Action.QUERY_ALL));
                        expect(expected, "getAll answer", m -> m instanceof PresenceMessage p && p.action() == Action.QUERY_ALL_RESPONSE);
                    }
                    case PING -> {
                        watcher.send(ConnectionMessage.of(ConnectionMessage.Action.PING));
                        expect(expected, "pong", m -> m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.PONG);
                    }
                    case LOGIN -> actors.computeIfAbsent(names.get(0), name -> {
                        TestClient actor = TestClient.loggedIn(sockets, port, Endpoint.BINARY, name);
                        all.add(actor);
                        return actor;
                    });
                    case LOGOUT -> {
                        TestClient actor = actors.remove(names.get(0));
                        if (actor != null) {
                            actor.close();
                        }
                    }
                    case WRONG_FRAME -> {
                        watcher.sendText(op.text());
                        expect(expected, "wrong frame error", m -> m instanceof ParserMessage p && p.action() == ParserMessage.Action.INVALID_MESSAGE);
                    }
                    case CLIENT_ONLY_ACTION -> {
                        watcher.send(PresenceMessage.named(Action.PRESENCE_JOIN, names.isEmpty() ? "x" : names.get(0)));
                        expect(expected, "unknown action error", m -> m instanceof ParserMessage p && p.action() == ParserMessage.Action.UNKNOWN_ACTION
                                && p.originalTopic() == Topic.PRESENCE);
                    }
                    case LOGIN_AGAIN -> {
                        watcher.send(AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"someone-else\"}"));
                        expect(expected, "already logged in error", m -> m instanceof AuthMessage a && a.action() == AuthMessage.Action.INVALID_MESSAGE);
                    }
                }
            }
            // no reply missing: each request's own reply, once
            for (Map.Entry<String, Expected> reply : expected.entrySet()) {
                Expected e = reply.getValue();
                await().atMost(Duration.ofSeconds(3)).until(() -> watcher.count(e.reply()) >= e.count());
            }
            for (Map.Entry<String, Expected> reply : expected.entrySet()) {
                assertEquals(reply.getValue().count(), (int) watcher.count(reply.getValue().reply()), reply.getKey());
            }
            // no event the client did not ask for, and none about itself
            for (Message m : watcher.received()) {
                if (m instanceof PresenceMessage p && p.name() != null && !p.isError()) {
                    assertFalse(p.name().equals(prefix + "watcher"), "told about itself: " + p);
                    switch (p.action()) {
                        case PRESENCE_JOIN, PRESENCE_LEAVE -> assertTrue(everSubscribed.contains(p.name()), "unsubscribed name: " + p);
                        case PRESENCE_JOIN_ALL, PRESENCE_LEAVE_ALL -> assertTrue(everSubscribedAll, "never subscribed to all: " + p);
                        default -> { }
                    }
                }
            }
            assertFalse(watcher.isClosed(), "the node kept the connection");
            // the node served someone else throughout
            all.add(TestClient.loggedIn(sockets, port, Endpoint.BINARY, prefix + "target"));
            bystander.expect(TestClient.presence(Action.PRESENCE_JOIN, prefix + "target"));
            assertTrue(log.lines().stream().noneMatch(l -> l.startsWith("ERROR")), () -> "errors logged: " + log.lines());
        } finally {
            all.forEach(TestClient::close);
        }
    }

    /** Replies of one kind, and how many requests asked for one. */
    private record Expected(Predicate<Message> reply, int count) {
    }

    private static void expect(Map<String, Expected> expected, String key, Predicate<Message> reply) {
        expected.merge(key, new Expected(reply, 1), (was, added) -> new Expected(was.reply(), was.count() + 1));
    }
}
