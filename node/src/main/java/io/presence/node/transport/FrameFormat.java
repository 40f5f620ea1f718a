package io.presence.node.transport;

import io.presence.node.session.Notification;
import io.presence.node.session.OnlineAnswer;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.codec.BinaryCodec;
import io.presence.protocol.codec.EncodedNames;
import io.presence.protocol.codec.JsonCodec;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How one endpoint turns WebSocket messages into protocol messages and back. Each keeps the names
 * of the last getAll() snapshot it encoded, so that every asker of that snapshot gets a copy
 * rather than an encoding of thousands of names.
 */
enum FrameFormat {

    BINARY {
        private final BinaryCodec codec = new BinaryCodec();

        @Override
        Message decode(Buffer frame) throws DecodeException {
            return codec.decode(frame.getBytes());
        }

        @Override
        int write(ServerWebSocket socket, Message message) {
            return write(socket, codec.encode(message));
        }

        @Override
        int writeNotification(ServerWebSocket socket, Notification notification) {
            return write(socket, notification.<byte[]>encoded(ordinal(), codec::encode));
        }

        @Override
        WebSocketFrame notificationFrame(Notification notification) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(notification.<byte[]>encoded(ordinal(), codec::encode)));
        }

        @Override
        EncodedNames encodeNames(List<String> names) {
            return codec.encodeNames(names);
        }

        @Override
        int writeAnswer(ServerWebSocket socket, String correlationId, EncodedNames names, int excluded) {
            return write(socket, codec.encodeQueryAllResponse(correlationId, names, excluded));
        }

        private int write(ServerWebSocket socket, byte[] frame) {
            socket.writeBinaryMessage(Buffer.buffer(frame));
            return frame.length;
        }
    },

    JSON {
        private final JsonCodec codec = new JsonCodec();

        @Override
        Message decode(Buffer frame) throws DecodeException {
            return codec.decode(frame.toString(StandardCharsets.UTF_8));
        }

        @Override
        int write(ServerWebSocket socket, Message message) {
            return write(socket, codec.encode(message));
        }

        @Override
        int writeNotification(ServerWebSocket socket, Notification notification) {
            byte[] utf8 = notification.encoded(ordinal(), m -> codec.encode(m).getBytes(StandardCharsets.UTF_8));
            // a text frame from the bytes encoded once: writeTextMessage would encode the String again
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
            return utf8.length;
        }

        @Override
        WebSocketFrame notificationFrame(Notification notification) {
            byte[] utf8 = notification.encoded(ordinal(), m -> codec.encode(m).getBytes(StandardCharsets.UTF_8));
            return new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8));
        }

        @Override
        EncodedNames encodeNames(List<String> names) {
            return codec.encodeNames(names);
        }

        @Override
        int writeAnswer(ServerWebSocket socket, String correlationId, EncodedNames names, int excluded) {
            return write(socket, codec.encodeQueryAllResponse(correlationId, names, excluded));
        }

        private int write(ServerWebSocket socket, String frame) {
            socket.writeTextMessage(frame);
            return frame.length();
        }
    };

    /** The names of one snapshot, encoded. */
    private record Encoded(long snapshot, EncodedNames names) {
        static final Encoded NONE = new Encoded(Long.MIN_VALUE, null);
    }

    /** The names of the last snapshot answered in this format. */
    private volatile Encoded encoded = Encoded.NONE;

    abstract Message decode(Buffer frame) throws DecodeException;

    /** Encodes and writes {@code message}; returns about how many bytes that queued (chars for text). */
    abstract int write(ServerWebSocket socket, Message message);

    /** Writes a notification in the bytes it was encoded to once for all its subscribers; as {@link #write}. */
    abstract int writeNotification(ServerWebSocket socket, Notification notification);

    /**
     * A notification as a Netty frame over the bytes it was encoded to once (wrapped, not copied),
     * for writing straight to the channel; as {@link #writeNotification}.
     */
    abstract WebSocketFrame notificationFrame(Notification notification);

    abstract EncodedNames encodeNames(List<String> names);

    abstract int writeAnswer(ServerWebSocket socket, String correlationId, EncodedNames names, int excluded);

    /** Writes a QUERY_ALL_RESPONSE, from the names of its snapshot encoded once; as {@link #write}. */
    final int writeOnline(ServerWebSocket socket, OnlineAnswer answer) {
        Encoded names = encoded;
        if (names.snapshot != answer.snapshot()) {
            names = new Encoded(answer.snapshot(), encodeNames(answer.names()));
            encoded = names;
        }
        return writeAnswer(socket, answer.correlationId(), names.names, answer.excluded());
    }
}
