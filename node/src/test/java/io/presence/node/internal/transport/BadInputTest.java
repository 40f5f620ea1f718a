package io.presence.node.internal.transport;

import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.node.support.VanishingClient;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.presence.node.support.TestClient.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets the protocol's error reply on that connection only: the sender keeps its
 * connection, and a bystander subscribed on the same node keeps receiving events.
 */
@Tag("in-jvm")
class BadInputTest {

    private static final int LIMIT = 4096;
    private static final int BACKLOG_LIMIT = 64 * 1024;
    /** ~80 MB of answers: far beyond socket buffers (a few MB on loopback) plus the backlog limit. */
    private static final int MAX_UNREAD_QUERIES = 20_000;
    private static TestCluster cluster;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void startNode() {
        // the rate limit is lifted: the client that stops reading must be dropped for its backlog
        cluster = TestCluster.start(1, java.util.Map.of("max.message.size", String.valueOf(LIMIT),
                "max.send.backlog", String.valueOf(BACKLOG_LIMIT),
                "max.messages.per.second", "1000000", "max.message.burst", "1000000"));
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    /** Sends bad input on a logged-in connection, checks the reply, and checks nobody else suffered. */
    private void assertRejected(Endpoint endpoint, Consumer<TestClient> badInput, ParserMessage.Action expected) {
        String bystanderName = "bystander-" + UUID.randomUUID();
        String laterUser = "later-" + UUID.randomUUID();
        try (TestClient bystander = TestClient.loggedIn(vertx, port, Endpoint.BINARY, bystanderName);
             TestClient sender = TestClient.loggedIn(vertx, port, endpoint, "sender-" + UUID.randomUUID())) {
            bystander.subscribeAll();
            badInput.accept(sender);
            ParserMessage reply = (ParserMessage) sender.expect(m -> m instanceof ParserMessage);
            assertEquals(expected, reply.action(), () -> "reply " + reply);
            assertTrue(reply.data() != null && reply.data().length() > 2, "the reply says why");
            sender.roundTrip();
            assertFalse(sender.isClosed());
            try (TestClient later = TestClient.loggedIn(vertx, port, Endpoint.JSON, laterUser)) {
                bystander.expect(presence(Action.PRESENCE_JOIN_ALL, laterUser));
            }
            bystander.expect(presence(Action.PRESENCE_LEAVE_ALL, laterUser));
        }
    }

    @Test
    void garbageBytesAreAParseError() {
        assertRejected(Endpoint.BINARY, c -> c.sendBinary(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}),
                ParserMessage.Action.MESSAGE_PARSE_ERROR);
    }

    @Test
    void invalidProtobufInsideAValidLengthIsAParseError() {
        assertRejected(Endpoint.BINARY, c -> c.sendBinary(HexFormat.of().parseHex("0510071a010f")),
                ParserMessage.Action.MESSAGE_PARSE_ERROR);
    }

    @Test
    void invalidJsonIsAParseError() {
        assertRejected(Endpoint.JSON, c -> c.sendText("{\"topic\":7,"), ParserMessage.Action.MESSAGE_PARSE_ERROR);
    }

    @Test
    void unknownTopicIsNamed() {
        assertRejected(Endpoint.JSON, c -> c.sendText("{\"topic\":55,\"action\":1}"), ParserMessage.Action.UNKNOWN_TOPIC);
        assertRejected(Endpoint.BINARY, c -> c.sendBinary(HexFormat.of().parseHex("0410371a00")),
                ParserMessage.Action.UNKNOWN_TOPIC);
    }

    @Test
    void knownTopicThatIsNotServedIsAnUnknownTopic() {
        assertRejected(Endpoint.JSON, c -> c.sendText("{\"topic\":5,\"action\":1}"), ParserMessage.Action.UNKNOWN_TOPIC);
    }

    @Test
    void unknownActionIsNamedWithItsTopic() {
        assertRejected(Endpoint.JSON, c -> c.sendText("{\"topic\":7,\"action\":77}"), ParserMessage.Action.UNKNOWN_ACTION);
        assertRejected(Endpoint.BINARY, c -> c.sendBinary(HexFormat.of().parseHex("0610071a02084d")),
                ParserMessage.Action.UNKNOWN_ACTION);
    }

    @Test
    void serverOnlyActionsFromAClientAreRejected() {
        assertRejected(Endpoint.BINARY, c -> c.send(PresenceMessage.named(Action.PRESENCE_JOIN, "Mallory")),
                ParserMessage.Action.UNKNOWN_ACTION);
    }

    @Test
    void textFrameOnTheBinaryEndpointIsInvalid() {
        assertRejected(Endpoint.BINARY, c -> c.sendText("{\"topic\":7,\"action\":2}"), ParserMessage.Action.INVALID_MESSAGE);
    }

    @Test
    void binaryFrameOnTheJsonEndpointIsInvalid() {
        assertRejected(Endpoint.JSON, c -> c.sendBinary(HexFormat.of().parseHex("0c10071a0808074204416c6578")),
                ParserMessage.Action.INVALID_MESSAGE);
    }

    @Test
    void framesOverTheSizeLimitAreRefused() {
        String big = "x".repeat(LIMIT);
        assertRejected(Endpoint.JSON, c -> c.sendText("{\"topic\":7,\"action\":2,\"data\":\"" + big + "\"}"),
                ParserMessage.Action.MAXIMUM_MESSAGE_SIZE_EXCEEDED);
        assertRejected(Endpoint.BINARY, c -> c.sendBinary(new byte[LIMIT + 1]),
                ParserMessage.Action.MAXIMUM_MESSAGE_SIZE_EXCEEDED);
    }

    @Test
    void subscribeWithoutNamesIsAnInvalidUsersError() {
        try (TestClient c = TestClient.loggedIn(vertx, port, Endpoint.JSON, "empty-" + UUID.randomUUID())) {
            c.send(PresenceMessage.request(Action.SUBSCRIBE, "5", List.of()));
            PresenceMessage reply = (PresenceMessage) c.expect(m -> m instanceof PresenceMessage);
            assertEquals(Action.INVALID_PRESENCE_USERS, reply.action());
            assertTrue(reply.isError());
            assertEquals("5", reply.correlationId());
            c.roundTrip();
        }
    }

    @Test
    void healthCheckAnswers200WhileServingAndUnknownWebSocketPathsAre404() throws Exception {
        int status = NodeHttp.healthCode(port);
        assertEquals(200, status);
        WebSocketClient ws = vertx.createWebSocketClient();
        Exception refused = assertThrows(Exception.class, () -> ws.connect(port, "127.0.0.1", "/elsewhere")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(refused.getCause()).contains("404"), String.valueOf(refused.getCause()));
    }


    /**
     * A client that asks and never reads would make the node queue answers without end: it is
     * dropped once more than max.send.backlog is left unread, its user is logged out, and a
     * bystander notices nothing else.
     */
    @Test
    void aClientThatStopsReadingIsDroppedAndLoggedOut() {
        String slowName = "unread-" + UUID.randomUUID();
        try (TestClient bystander = TestClient.loggedIn(vertx, port, Endpoint.BINARY, "bystander-" + UUID.randomUUID())) {
            bystander.subscribeAll();
            VanishingClient slow = VanishingClient.loggedIn(port, slowName);
            try {
                bystander.expect(presence(Action.PRESENCE_JOIN_ALL, slowName));
                // each answer about as large as its question (~4 KB): thousands fill the socket buffers
                PresenceMessage question = VanishingClient.bigQuestion("q", (LIMIT - 200) / 16);
                int sent = 0;
                while (sent < MAX_UNREAD_QUERIES && slow.sendUnread(question)) {
                    sent++;
                }
                // its writes fail once the node has dropped the connection, long before it runs out of questions
                assertTrue(sent < MAX_UNREAD_QUERIES, "still connected after " + sent + " unread answers");
                bystander.expect(presence(Action.PRESENCE_LEAVE_ALL, slowName));
                assertEquals(List.of(), bystander.queryAll().stream().filter(slowName::equals).toList());
            } finally {
                slow.abort();
            }
        }
    }
}
