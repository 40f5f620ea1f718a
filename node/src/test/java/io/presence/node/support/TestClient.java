package io.presence.node.support;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.codec.BinaryCodec;
import io.presence.protocol.codec.JsonCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A raw protocol client over a real WebSocket, for tests: sends messages, records every message
 * received, and waits (with Awaitility, bounded) for expected ones.
 */
public final class TestClient implements AutoCloseable {

    public enum Endpoint {
        BINARY("/deepstream"), JSON("/deepstream-json");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final BinaryCodec BINARY = new BinaryCodec();
    private static final JsonCodec JSON = new JsonCodec();

    private final Endpoint endpoint;
    private final WebSocket socket;
    private final WebSocketClient client;
    private final List<Message> received = new ArrayList<>();
    /** Told of every message as it arrives, before any expect() can take it (e.g. an agent reporting events). */
    private volatile java.util.function.Consumer<Message> arrivals = m -> { };
    private volatile boolean closed;
    private volatile Short closeStatus;
    private volatile String closeReason;
    private int correlation;

    private TestClient(Endpoint endpoint, WebSocket socket, WebSocketClient client) {
        this.endpoint = endpoint;
        this.socket = socket;
        this.client = client;
        socket.binaryMessageHandler(b -> record(() -> BINARY.decode(b.getBytes()), b.toString()));
        socket.textMessageHandler(t -> record(() -> JSON.decode(t), t));
        socket.closeHandler(v -> {
            try {
                closeStatus = socket.closeStatusCode();
                closeReason = socket.closeReason();
            } catch (RuntimeException closedBeforeConnected) {
                // the close came with the handshake's answer; the status is not kept then
            }
            closed = true;
        });
    }

    public static TestClient connect(Vertx vertx, int port, Endpoint endpoint) {
        return connect(sharedClient(vertx), true, port, endpoint);
    }

    /** One WebSocket client for many connections (load and crash tests open a thousand). */
    public static WebSocketClient sharedClient(Vertx vertx) {
        return vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(10_000)
                .setMaxFrameSize(8 * 1024 * 1024).setMaxMessageSize(8 * 1024 * 1024));
    }

    private static TestClient connect(WebSocketClient client, boolean owned, int port, Endpoint endpoint) {
        try {
            WebSocket socket = client.connect(port, "127.0.0.1", endpoint.path)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new TestClient(endpoint, socket, owned ? client : null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to port " + port, e);
        }
    }

    /**
     * Connects with options of the test's own (headers, TLS) over a client of its own; the
     * connection may be refused right after the handshake, which {@link #closeReason()} then tells.
     */
    public static TestClient connect(WebSocketClient client, WebSocketConnectOptions options, Endpoint endpoint) {
        // handlers are in place before the handshake: a close sent right after it is not missed
        ClientWebSocket socket = client.webSocket();
        TestClient c = new TestClient(endpoint, socket, null);
        try {
            socket.connect(options.setURI(endpoint.path)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return c;
        } catch (Exception e) {
            if (c.closed) {
                return c;
            }
            throw new IllegalStateException("cannot connect to " + options.getHost() + ":" + options.getPort(), e);
        }
    }

    /** Logs in over a shared client; closing the TestClient leaves the shared client open. */
    public static TestClient loggedIn(WebSocketClient shared, int port, Endpoint endpoint, String username) {
        TestClient c = connect(shared, false, port, endpoint);
        try {
            c.login(username);
        } catch (RuntimeException e) {
            // not left open: a node that answers late (one that was paused) would log it in unseen
            c.socket.close();
            throw e;
        }
        return c;
    }

    /** Connects, completes the handshake and logs in; {@code username} null logs in anonymously. */
    public static TestClient loggedIn(Vertx vertx, int port, Endpoint endpoint, String username) {
        TestClient c = connect(vertx, port, endpoint);
        c.login(username);
        return c;
    }

    private void login(String username) {
        handshake();
        send(AuthMessage.of(AuthMessage.Action.REQUEST,
                username == null ? "{}" : "{\"username\":\"" + username + "\"}"));
        expect(m -> m instanceof AuthMessage a && a.action() == AuthMessage.Action.AUTH_SUCCESSFUL);
    }

    public void handshake() {
        send(ConnectionMessage.challenge("ws://127.0.0.1" + endpoint.path, "0.1a", "test", "java-test"));
        expect(m -> m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.ACCEPT);
    }

    private interface Decoder {
        Message decode() throws DecodeException;
    }

    private void record(Decoder decoder, String raw) {
        Message message;
        try {
            message = decoder.decode();
        } catch (DecodeException e) {
            throw new IllegalStateException("the node sent a frame that does not decode: " + raw, e);
        }
        arrivals.accept(message);
        synchronized (received) {
            received.add(message);
        }
    }

    /** Calls {@code listener} with each message from now on, on the connection's thread. */
    public void onArrival(java.util.function.Consumer<Message> listener) {
        arrivals = listener;
    }

    public void send(Message message) {
        if (endpoint == Endpoint.BINARY) {
            socket.writeBinaryMessage(Buffer.buffer(BINARY.encode(message)));
        } else {
            socket.writeTextMessage(JSON.encode(message));
        }
    }

    /** Sends {@code message} split over {@code pieces} WebSocket frames (a first one, then continuations). */
    public void sendInFragments(Message message, int pieces) {
        byte[] bytes = endpoint == Endpoint.BINARY ? BINARY.encode(message)
                : JSON.encode(message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int step = Math.max(1, (bytes.length + pieces - 1) / pieces);
        for (int from = 0; from < bytes.length; from += step) {
            Buffer piece = Buffer.buffer(java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + step)));
            boolean last = from + step >= bytes.length;
            socket.writeFrame(from == 0
                    ? (endpoint == Endpoint.BINARY ? io.vertx.core.http.WebSocketFrame.binaryFrame(piece, last)
                            : io.vertx.core.http.WebSocketFrame.textFrame(piece.toString(java.nio.charset.StandardCharsets.UTF_8), last))
                    : io.vertx.core.http.WebSocketFrame.continuationFrame(piece, last));
        }
    }

    /** The WebSocket underneath, for tests of the protocol's own frames (ping, close). */
    public WebSocket socket() {
        return socket;
    }

    public void sendBinary(byte[] frame) {
        socket.writeBinaryMessage(Buffer.buffer(frame));
    }

    public void sendText(String frame) {
        socket.writeTextMessage(frame);
    }

    public String nextCorrelationId() {
        return String.valueOf(correlation++);
    }

    /** Waits for the first not-yet-taken message that matches, takes it and returns it. */
    public Message expect(Predicate<Message> matching) {
        Message[] found = new Message[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            synchronized (received) {
                for (int i = 0; i < received.size(); i++) {
                    if (matching.test(received.get(i))) {
                        found[0] = received.remove(i);
                        return true;
                    }
                }
                return false;
            }
        });
        return found[0];
    }

    /** Waits for the message that matches {@code template} exactly (records compare by value). */
    public Message expect(Message template) {
        return expect(template::equals);
    }

    /** How many not-yet-taken messages match. */
    public long count(Predicate<Message> matching) {
        synchronized (received) {
            return received.stream().filter(matching).count();
        }
    }

    public List<Message> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /**
     * Sends a PING and waits for its PONG: the node still serves this connection. It says nothing
     * about other replies: PONG is written from the connection's event loop, acks, answers and
     * events from the presence thread, so either may overtake the other.
     */
    public void roundTrip() {
        send(ConnectionMessage.of(ConnectionMessage.Action.PING));
        expect(ConnectionMessage.of(ConnectionMessage.Action.PONG));
    }

    public void subscribeAll() {
        send(PresenceMessage.of(PresenceMessage.Action.SUBSCRIBE_ALL));
        expect(PresenceMessage.ack(PresenceMessage.Action.SUBSCRIBE_ALL, null));
    }

    public void subscribe(String... names) {
        String id = nextCorrelationId();
        send(PresenceMessage.request(PresenceMessage.Action.SUBSCRIBE, id, List.of(names)));
        expect(PresenceMessage.ack(PresenceMessage.Action.SUBSCRIBE, id));
    }

    public List<String> queryAll() {
        send(PresenceMessage.of(PresenceMessage.Action.QUERY_ALL));
        PresenceMessage answer = (PresenceMessage) expect(m -> m instanceof PresenceMessage p
                && p.action() == PresenceMessage.Action.QUERY_ALL_RESPONSE);
        return answer.names();
    }

    /** This client's JOIN_ALL/LEAVE_ALL events for {@code name}, in order, as true/false. */
    public List<Boolean> presenceStream(String name) {
        List<Boolean> states = new ArrayList<>();
        for (Message m : received()) {
            if (m instanceof PresenceMessage p && name.equals(p.name())) {
                if (p.action() == PresenceMessage.Action.PRESENCE_JOIN_ALL) {
                    states.add(true);
                } else if (p.action() == PresenceMessage.Action.PRESENCE_LEAVE_ALL) {
                    states.add(false);
                }
            }
        }
        return states;
    }

    public static Predicate<Message> presence(PresenceMessage.Action action, String name) {
        return m -> m instanceof PresenceMessage p && p.action() == action && name.equals(p.name());
    }

    public boolean isClosed() {
        return closed;
    }

    public Short closeStatus() {
        return closeStatus;
    }

    public String closeReason() {
        return closeReason;
    }

    /** Sends an AUTH request with this auth data (JSON text) and returns the node's answer to it. */
    public AuthMessage authenticate(String authJson) {
        send(AuthMessage.of(AuthMessage.Action.REQUEST, authJson));
        return (AuthMessage) expect(m -> m instanceof AuthMessage a && a.action() != AuthMessage.Action.REQUEST);
    }

    public void awaitClosed() {
        await().atMost(WAIT).until(() -> closed);
    }

    /**
     * Closes each client, going on past those that fail: after a test that killed or froze a
     * node, some are gone already. End such nodes first, or each close waits out its handshake.
     */
    public static void closeAll(java.util.Collection<TestClient> clients) {
        clients.forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException gone) {
                // a client of a killed node: nothing left to close
            }
        });
    }

    /**
     * Starts the close handshake and returns at once: the close frame waits in the node's socket
     * if the node is stopped, and it reads it when it runs again.
     */
    public void startClose() {
        socket.close();
    }

    @Override
    public void close() {
        if (!closed) {
            socket.close();
            await().atMost(WAIT).until(() -> closed);
        }
        if (client != null) {
            client.close();
        }
    }
}
