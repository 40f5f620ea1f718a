package io.presence.node.transport;

import io.presence.node.session.Connection;
import io.presence.node.session.Session;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.logging.Logger;

/**
 * Adapts one accepted WebSocket to a {@link Session}: enforces the frame rules of its endpoint
 * (frame type, size), decodes, and encodes what the session sends.
 */
final class WebSocketConnection implements Connection {

    private static final Logger LOG = Logger.getLogger(WebSocketConnection.class.getName());

    private final ServerWebSocket socket;
    /** The event loop this socket's handlers run on. */
    private final Context context;
    private final FrameFormat format;
    private final int maxMessageSize;
    private volatile boolean closed;
    private Session session;

    WebSocketConnection(ServerWebSocket socket, FrameFormat format, int maxMessageSize, Context context) {
        this.socket = socket;
        this.context = context;
        this.format = format;
        this.maxMessageSize = maxMessageSize;
    }

    /** Starts reading; from here on every frame goes to {@code session}. */
    void attach(Session session, Runnable onClosed) {
        this.session = session;
        socket.binaryMessageHandler(frame -> onFrame(frame, FrameFormat.BINARY));
        socket.textMessageHandler(text -> onFrame(Buffer.buffer(text), FrameFormat.JSON));
        socket.pongHandler(pong -> session.onTraffic());
        socket.exceptionHandler(e -> LOG.fine(() -> describe() + " failed: " + e));
        socket.closeHandler(v -> {
            closed = true;
            session.onClosed();
            onClosed.run();
        });
    }

    private void onFrame(Buffer frame, FrameFormat arrivedAs) {
        if (frame.length() > maxMessageSize) {
            session.onRejectedFrame(ParserMessage.error(ParserMessage.Action.MAXIMUM_MESSAGE_SIZE_EXCEEDED,
                    "a message may hold at most " + maxMessageSize + " bytes; this one held " + frame.length(), null, 0));
            return;
        }
        if (arrivedAs != format) {
            session.onRejectedFrame(ParserMessage.error(ParserMessage.Action.INVALID_MESSAGE,
                    format == FrameFormat.BINARY
                            ? "this endpoint takes binary protobuf frames; use the JSON endpoint for text"
                            : "this endpoint takes JSON text frames; use the binary endpoint for protobuf",
                    null, 0));
            return;
        }
        Message message;
        try {
            message = format.decode(frame);
        } catch (DecodeException e) {
            session.onUndecodable(e);
            return;
        }
        session.onMessage(message);
    }

    @Override
    public void send(Message message) {
        if (!closed) {
            format.write(socket, message);
        }
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public void ping() {
        if (!closed) {
            socket.writePing(Buffer.buffer());
        }
    }

    @Override
    public void close(short status, String reason) {
        if (!closed) {
            socket.close(status, reason);
        }
    }

    @Override
    public String describe() {
        return format.name().toLowerCase(java.util.Locale.ROOT) + " connection from " + socket.remoteAddress();
    }
}
