package io.presence.bench;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.codec.BinaryCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;

import java.net.URI;
import java.util.function.Consumer;

/** One protocol connection on the binary endpoint, driven by callbacks on its event loop. */
final class BenchConnection {

    private static final BinaryCodec CODEC = new BinaryCodec();

    private final WebSocket socket;
    private volatile Consumer<Message> onMessage = m -> { };
    private Promise<Void> accepted;
    private Promise<Void> loggedIn;
    private Promise<Void> subscribed;

    private BenchConnection(WebSocket socket) {
        this.socket = socket;
        socket.binaryMessageHandler(this::received);
    }

    /** Runs {@code handler} when the connection closes, whoever closed it. */
    void onClosed(Runnable handler) {
        socket.closeHandler(v -> handler.run());
    }

    /** Opens the socket and completes the CHALLENGE/ACCEPT handshake. */
    static Future<BenchConnection> open(WebSocketClient client, URI node) {
        return client.connect(node.getPort(), node.getHost(), node.getPath()).compose(ws -> {
            BenchConnection c = new BenchConnection(ws);
            c.accepted = Promise.promise();
            c.send(ConnectionMessage.challenge(node.toString(), "0.1a", "bench", "java-bench"));
            return c.accepted.future().map(c);
        });
    }

    /** Sends AUTH; completes on AUTH_SUCCESSFUL. */
    Future<Void> login(String username) {
        loggedIn = Promise.promise();
        send(AuthMessage.of(AuthMessage.Action.REQUEST, username == null ? "{}" : "{\"username\":\"" + username + "\"}"));
        return loggedIn.future();
    }

    void onMessage(Consumer<Message> handler) {
        onMessage = handler;
    }

    void send(Message message) {
        socket.writeBinaryMessage(Buffer.buffer(CODEC.encode(message)));
    }

    /** Sends SUBSCRIBE_ALL; completes when the server acknowledges it. */
    Future<Void> subscribeAll() {
        subscribed = Promise.promise();
        send(PresenceMessage.of(PresenceMessage.Action.SUBSCRIBE_ALL));
        return subscribed.future();
    }

    Future<Void> close() {
        return socket.close();
    }

    private void received(Buffer frame) {
        Message m;
        try {
            m = CODEC.decode(frame.getBytes());
        } catch (DecodeException e) {
            return;
        }
        if (m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.ACCEPT && accepted != null) {
            accepted.tryComplete();
        } else if (m instanceof PresenceMessage p && p.isAck() && p.action() == PresenceMessage.Action.SUBSCRIBE_ALL
                && subscribed != null) {
            subscribed.tryComplete();
        } else if (m instanceof AuthMessage a && loggedIn != null) {
            if (a.action() == AuthMessage.Action.AUTH_SUCCESSFUL) {
                loggedIn.tryComplete();
            } else {
                loggedIn.tryFail("login refused: " + a);
            }
        }
        onMessage.accept(m);
    }
}
