package io.presence.node.internal.transport;

import io.presence.node.internal.session.Notification;
import io.presence.node.internal.session.OnlineAnswer;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.codec.BinaryCodec;
import io.presence.protocol.codec.EncodedNames;
import io.presence.protocol.codec.JsonCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

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
        boolean takes(WebSocketFrame frame) {
            return frame instanceof BinaryWebSocketFrame;
        }

        @Override
        Message decode(ByteBuf payload) throws DecodeException {
            return codec.decode(ByteBufUtil.getBytes(payload));
        }

        @Override
        WebSocketFrame frame(Message message) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(message)));
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
        WebSocketFrame answerFrame(String correlationId, EncodedNames names, int excluded) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeQueryAllResponse(correlationId, names, excluded)));
        }
    },

    JSON {
        private final JsonCodec codec = new JsonCodec();

        @Override
        boolean takes(WebSocketFrame frame) {
            return frame instanceof TextWebSocketFrame;
        }

        @Override
        Message decode(ByteBuf payload) throws DecodeException {
            return codec.decode(payload.toString(StandardCharsets.UTF_8));
        }

        @Override
        WebSocketFrame frame(Message message) {
            return text(codec.encode(message));
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
        WebSocketFrame answerFrame(String correlationId, EncodedNames names, int excluded) {
            return text(codec.encodeQueryAllResponse(correlationId, names, excluded));
        }

        private WebSocketFrame text(String frame) {
            return new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8)));
        }
    };

    /** The names of one snapshot, encoded. */
    private record Encoded(long snapshot, EncodedNames names) {
        static final Encoded NONE = new Encoded(Long.MIN_VALUE, null);
    }

    /** The names of the last snapshot answered in this format. */
    private volatile Encoded encoded = Encoded.NONE;

    /** Whether a data frame of this kind (binary or text) belongs on this endpoint. */
    abstract boolean takes(WebSocketFrame frame);

    /** Why a data frame is not decoded here (too large, or of the other kind), for its sender; null when it is. */
    final ParserMessage refusal(WebSocketFrame frame, int maxMessageSize) {
        int length = frame.content().readableBytes();
        if (length > maxMessageSize) {
            return ParserMessage.error(ParserMessage.Action.MAXIMUM_MESSAGE_SIZE_EXCEEDED,
                    "a message may hold at most " + maxMessageSize + " bytes; this one held " + length, null, 0);
        }
        if (!takes(frame)) {
            return ParserMessage.error(ParserMessage.Action.INVALID_MESSAGE, this == BINARY
                    ? "this endpoint takes binary protobuf frames; use the JSON endpoint for text"
                    : "this endpoint takes JSON text frames; use the binary endpoint for protobuf", null, 0);
        }
        return null;
    }

    abstract Message decode(ByteBuf payload) throws DecodeException;

    /** {@code message}, encoded into a frame of this endpoint's kind. */
    abstract WebSocketFrame frame(Message message);

    /**
     * A notification as a frame over the bytes it was encoded to once for all its subscribers
     * (wrapped, not copied).
     */
    abstract WebSocketFrame notificationFrame(Notification notification);

    abstract EncodedNames encodeNames(List<String> names);

    abstract WebSocketFrame answerFrame(String correlationId, EncodedNames names, int excluded);

    /** A QUERY_ALL_RESPONSE, from the names of its snapshot encoded once. */
    final WebSocketFrame onlineFrame(OnlineAnswer answer) {
        Encoded names = encoded;
        if (names.snapshot != answer.snapshot()) {
            names = new Encoded(answer.snapshot(), encodeNames(answer.names()));
            encoded = names;
        }
        return answerFrame(answer.correlationId(), names.names, answer.excluded());
    }
}
