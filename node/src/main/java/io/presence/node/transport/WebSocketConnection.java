package io.presence.node.transport;

import io.presence.node.metrics.NodeMetrics;
import io.presence.node.session.CloseCode;
import io.presence.node.session.Connection;
import io.presence.node.session.Notification;
import io.presence.node.session.OnlineAnswer;
import io.presence.node.session.Session;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.AbstractMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts one accepted WebSocket to a {@link Session}: enforces the frame rules of its endpoint
 * (frame type, size), decodes, and encodes what the session sends.
 *
 * <p>A client that stops reading (frozen, or asking faster than it reads) would make the node
 * queue its messages without end; past {@code maxSendBacklog} bytes written while its socket took
 * no more, the connection is dropped, and its user logged out as on any close.
 */
final class WebSocketConnection implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    private final ServerWebSocket socket;
    /** The context this socket's handlers run on (on its event loop). */
    private final Context context;
    private final FrameFormat format;
    /** The client's address, as admitted (a trusted proxy's X-Forwarded-For taken into account). */
    private final String address;
    /** How long a close handshake may take: Vert.x's own default closing timeout. */
    static final long CLOSE_DEADLINE_MILLIS = HttpServerOptions.DEFAULT_WEBSOCKET_CLOSING_TIMEOUT * 1000L;

    private final int maxMessageSize;
    private final long maxSendBacklog;
    private final NodeMetrics metrics;
    private final NotificationQueues notifications;
    /** Bytes written since the socket last drained while it could take no more; any thread. */
    private final AtomicLong backlog = new AtomicLong();
    /** Set by the close handler, or first by the drop of a client that stopped reading. */
    private final AtomicBoolean closed = new AtomicBoolean();
    private Session session;
    /** Vert.x's handler in the socket's pipeline, where Vert.x itself writes frames; null if Vert.x hides it. */
    private final ChannelHandlerContext channel;
    /** A promise for writes whose failure needs no one told (the close handler tells the session). */
    private final ChannelPromise unflushed;
    private boolean flushPending;

    WebSocketConnection(ServerWebSocket socket, FrameFormat format, String address, int maxMessageSize,
                        long maxSendBacklog, Context context, NotificationQueues notifications, NodeMetrics metrics) {
        this.notifications = notifications;
        this.metrics = metrics;
        this.socket = socket;
        this.address = address;
        this.context = context;
        this.format = format;
        this.maxMessageSize = maxMessageSize;
        this.maxSendBacklog = maxSendBacklog;
        this.channel = socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
        this.unflushed = channel == null ? null : new VoidChannelPromise(channel.channel(), false);
    }

    /**
     * Starts reading; from here on every frame goes to {@code session}.
     *
     * @param released run once when the connection has closed, after the session heard of it
     */
    void attach(Session session, Runnable released) {
        this.session = session;
        socket.binaryMessageHandler(frame -> onFrame(frame, FrameFormat.BINARY));
        socket.textMessageHandler(text -> onFrame(Buffer.buffer(text), FrameFormat.JSON));
        socket.pongHandler(pong -> session.onTraffic());
        socket.drainHandler(v -> backlog.set(0));
        socket.exceptionHandler(e -> LOG.atDebug().log(() -> describe() + " failed: " + e));
        socket.closeHandler(v -> {
            closed.set(true);
            // first, so that whoever sees the session gone also sees its admission given back
            released.run();
            session.onClosed();
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
        metrics.received(message);
        session.onMessage(message);
    }

    @Override
    public void send(Message message) {
        onLoop(() -> {
            if (!closed.get()) {
                written(format.write(socket, message));
                metrics.sent(message);
            }
        });
    }

    @Override
    public void sendNotification(Notification notification) {
        notifications.add(this, context, notification);
    }

    /**
     * Writes a notification, uncounted ({@link NotificationQueues} counts a batch at once), and
     * unflushed when it can: {@link NotificationQueues} calls {@link #flush} once its batch is
     * written, so that a subscriber told of many changes at once costs one write to the socket,
     * not one per change. Straight to the channel only while Vert.x holds nothing back for this
     * socket (its queue fills only once the socket takes no more), so nothing overtakes a reply
     * written before. On this connection's event loop. False when the connection is closed.
     */
    boolean writeNotification(Notification notification) {
        if (closed.get() || socket.isClosed()) {
            return false;
        }
        if (channel == null || writeQueueFull()) {
            written(format.writeNotification(socket, notification));
            return true;
        }
        WebSocketFrame frame = format.notificationFrame(notification);
        int bytes = frame.content().readableBytes();
        channel.write(frame, unflushed);
        flushPending = true;
        written(bytes);
        return true;
    }

    /** Flushes what {@link #writeNotification} left unflushed, if anything. On this connection's event loop. */
    void flush() {
        if (flushPending) {
            flushPending = false;
            channel.flush();
        }
    }

    @Override
    public void sendOnline(OnlineAnswer answer) {
        onLoop(() -> {
            if (!closed.get()) {
                written(format.writeOnline(socket, answer));
            }
        });
    }

    /**
     * Runs {@code action} on the connection's event loop, at once when already there: the server
     * runs in strict thread mode (no per-connection queue for writes from other threads), so
     * everything that touches the socket happens on its loop.
     */
    private void onLoop(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private void written(int bytes) {
        if (writeQueueFull()) {
            long unread = backlog.addAndGet(bytes);
            if (unread > maxSendBacklog) {
                dropUnreadClient(unread);
            }
        }
    }

    private boolean writeQueueFull() {
        try {
            return socket.writeQueueFull();
        } catch (IllegalStateException alreadyClosed) {
            return false;
        }
    }

    /** A close frame would wait behind everything the client is not reading: drop it at once. */
    private void dropUnreadClient(long unread) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        metrics.slowReaderDropped();
        context.runOnContext(v -> {
            LOG.warn(describe() + " left " + unread + " bytes unread (limit " + maxSendBacklog
                    + "); dropping the connection");
            drop(CloseCode.POLICY_VIOLATION, "too slow: messages left unread");
        });
    }

    /**
     * Ends the TCP connection without a close handshake; its close handler then logs the user out
     * as on any close. On the connection's event loop.
     */
    private void drop(short status, String reason) {
        if (socket instanceof WebSocketInternal internal) {
            // from Vert.x's own handler context: the channel's close would come back to Vert.x,
            // which turns it into a close frame again
            internal.channelHandlerContext().close();
        } else {
            socket.close(status, reason);
        }
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public void ping() {
        onLoop(() -> {
            if (!closed.get()) {
                socket.writePing(Buffer.buffer());
            }
        });
    }

    /**
     * Starts the close handshake, with a deadline: Vert.x's own closing timeout starts only once
     * the close frame is written, which never happens behind data a frozen client does not read,
     * and such a connection would then stay open for good.
     */
    @Override
    public void close(short status, String reason) {
        onLoop(() -> {
            if (closed.get()) {
                return;
            }
            socket.close(status, reason);
            // set from the connection's context, so that the timer fires on its event loop too
            context.owner().setTimer(CLOSE_DEADLINE_MILLIS, t -> {
                if (closed.compareAndSet(false, true)) {
                    LOG.atDebug().log(() -> describe() + " did not finish closing; dropping the connection");
                    drop(status, reason);
                }
            });
        });
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public Map<String, String> headers() {
        // read only by the http strategy: copied when it asks, not at every login
        MultiMap headers = socket.headers();
        return new AbstractMap<>() {
            @Override
            public String get(Object name) {
                return name instanceof String n ? headers.get(n) : null;
            }

            @Override
            public Set<Entry<String, String>> entrySet() {
                return RequestHeaders.lowerCased(headers).entrySet();
            }
        };
    }

    @Override
    public String describe() {
        return format.name().toLowerCase(Locale.ROOT) + " connection from " + address
                + (socket.remoteAddress() == null ? "" : ":" + socket.remoteAddress().port());
    }
}
