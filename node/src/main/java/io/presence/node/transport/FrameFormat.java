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
        void write(ServerWebSocket socket, Message message) {
            socket.writeBinaryMessage(Buffer.buffer(codec.encode(message)));
        }
    },

    JSON {
        private final JsonCodec codec = new JsonCodec();

        @Override
        Message decode(Buffer frame) throws DecodeException {
            return codec.decode(frame.toString(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        void write(ServerWebSocket socket, Message message) {
            socket.writeTextMessage(codec.encode(message));
        }
    };

    abstract Message decode(Buffer frame) throws DecodeException;

    abstract void write(ServerWebSocket socket, Message message);
}
