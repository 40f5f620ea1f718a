package io.presence.node.internal.transport;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket protocol's own frames, as the node's Netty handlers serve them: messages in
 * fragments, pings, and the close handshake a client starts, on both endpoints.
 */
@Tag("in-jvm")
class WebSocketFramesTest {

    private static final int LIMIT = 4096;
    @RegisterExtension
    static final InJvmNodes nodes = InJvmNodes.startedByTheTest();
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void startNode() {
        nodes.start(1, Map.of("max.message.size", String.valueOf(LIMIT)));
        port = nodes.cluster().node(0).port();
        vertx = nodes.clients().vertx();
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aMessageInFragmentsIsReadWhole(Endpoint endpoint) {
        String name = "fragmented-" + UUID.randomUUID();
        try (TestClient client = TestClient.loggedIn(vertx, port, endpoint, "asker-" + UUID.randomUUID());
             TestClient other = TestClient.loggedIn(vertx, port, Endpoint.BINARY, name)) {
            String id = client.nextCorrelationId();
            client.sendInFragments(PresenceMessage.request(PresenceMessage.Action.QUERY, id, List.of(name)), 3);
            PresenceMessage answer = (PresenceMessage) client.expect(m -> m instanceof PresenceMessage p
                    && p.action() == PresenceMessage.Action.QUERY_RESPONSE);
            assertTrue(String.valueOf(answer).contains(name), () -> "answer " + answer);
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aMessageInFragmentsPastTwiceTheLimitClosesWith1009(Endpoint endpoint) {
        try (TestClient client = TestClient.loggedIn(vertx, port, endpoint, "big-" + UUID.randomUUID())) {
            client.sendInFragments(PresenceMessage.request(PresenceMessage.Action.QUERY, client.nextCorrelationId(),
                    List.of("x".repeat(3 * LIMIT))), 8);
            client.awaitClosed();
            assertEquals((short) 1009, client.closeStatus());
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aClientOfferingCompressionIsServedUncompressed(Endpoint endpoint) {
        // browsers offer permessage-deflate on every upgrade; deepstream's clients never use it
        io.vertx.core.http.WebSocketClient offering = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
                .setTryUsePerMessageCompression(true).setTryUsePerFrameCompression(true));
        try (TestClient client = TestClient.connect(offering,
                new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1").setPort(port), endpoint)) {
            client.handshake();
            client.send(io.presence.protocol.AuthMessage.of(io.presence.protocol.AuthMessage.Action.REQUEST,
                    "{\"username\":\"deflater-" + UUID.randomUUID() + "\"}"));
            client.expect(m -> m instanceof io.presence.protocol.AuthMessage a
                    && a.action() == io.presence.protocol.AuthMessage.Action.AUTH_SUCCESSFUL);
            client.roundTrip();
            assertTrue(client.socket().headers() == null || client.socket().headers().get("Sec-WebSocket-Extensions") == null,
                    "no extension agreed");
        } finally {
            offering.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aPingIsAnsweredWithItsPayload(Endpoint endpoint) {
        try (TestClient client = TestClient.loggedIn(vertx, port, endpoint, "pinger-" + UUID.randomUUID())) {
            AtomicReference<String> pong = new AtomicReference<>();
            client.socket().pongHandler(data -> pong.set(data.toString()));
            client.socket().writePing(Buffer.buffer("are you there"));
            await().atMost(Duration.ofSeconds(10)).until(() -> "are you there".equals(pong.get()));
            client.roundTrip();
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aClientsCloseIsAnsweredWithItsCodeAndLogsItsUserOut(Endpoint endpoint) {
        String name = "closer-" + UUID.randomUUID();
        try (TestClient watcher = TestClient.loggedIn(vertx, port, Endpoint.BINARY, "watcher-" + UUID.randomUUID())) {
            watcher.subscribeAll();
            TestClient client = TestClient.loggedIn(vertx, port, endpoint, name);
            watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, name));
            client.socket().close((short) 4321, "leaving");
            client.awaitClosed();
            assertEquals((short) 4321, client.closeStatus(), "the node answers a close with the client's code");
            watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, name));
        }
    }
}
