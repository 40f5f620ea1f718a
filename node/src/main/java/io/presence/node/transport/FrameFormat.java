package io.presence.node.transport;

import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.codec.BinaryCodec;
import io.presence.protocol.codec.JsonCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/** How one endpoint turns WebSocket messages into protocol messages and back. */
enum FrameFormat {

    BINARY {
        private final BinaryCodec codec = new BinaryCodec();

        @Override
        Message decode(Buffer frame) throws DecodeException {
            return codec.decode(frame.getBytes());
        }

        @Override
        int write(ServerWebSocket socket, Message message) {
            byte[] frame = codec.encode(message);
            socket.writeBinaryMessage(Buffer.buffer(frame));
            return frame.length;
        }
    },

    JSON {
        private final JsonCodec codec = new JsonCodec();

        @Override
        Message decode(Buffer frame) throws DecodeException {
            return codec.decode(frame.toString(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        int write(ServerWebSocket socket, Message message) {
            String frame = codec.encode(message);
            socket.writeTextMessage(frame);
            return frame.length();
        }
    };

    abstract Message decode(Buffer frame) throws DecodeException;

    /** Encodes and writes {@code message}; returns about how many bytes that queued (chars for text). */
    abstract int write(ServerWebSocket socket, Message message);
}
