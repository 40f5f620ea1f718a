package io.presence.node.internal.transport;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.session.CloseCode;
import io.presence.node.internal.session.Connection;
import io.presence.node.internal.session.Notification;
import io.presence.node.internal.session.OnlineAnswer;
import io.presence.node.internal.session.Session;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.ContextInternal;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted WebSocket, as the last handler of its Netty channel, adapted to a {@link Session}:
 * frame rules (type, size), decoding and encoding, pings, the close handshake. The channel is
 * touched on its event loop only; the session runs inside the connection's Vert.x context.
 *
 * <p>A client that stops reading (frozen, or asking faster than it reads) would make the node
 * queue its messages without end; past {@code maxSendBacklog} bytes written while its socket took
 * no more, the connection is dropped, and its user logged out as on any close.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    /** How long a close handshake we started may take before the connection is dropped. */
    private static final long CLOSE_DEADLINE_MILLIS = 10_000;

    /** The Vert.x context this connection's session runs on (on the channel's event loop). */
    private final ContextInternal context;
    private final FrameFormat format;
    /** The client's address, as admitted (a trusted proxy's X-Forwarded-For taken into account). */
    private final String address;
    private final InetSocketAddress peer;
    /**
     * The upgrade request's headers, for a login strategy that asks for them; dropped once the
     * session logged in, since every connection would otherwise keep them for its whole life.
     */
    private volatile HttpHeaders requestHeaders;
    private final int maxMessageSize;
    private final long maxSendBacklog;
    private final NodeMetrics metrics;
    private final NotificationQueues notifications;
    /** Set once the channel is closed, or first by the drop of a client that stopped reading. */
    private final AtomicBoolean closed = new AtomicBoolean();
    private Session session;
    private Runnable released;
    private ChannelHandlerContext channel;
    /** For writes whose failure needs no one told (the channel's close tells the session). */
    private ChannelPromise unwatched;
    /** Bytes written since the socket last took everything while it could take no more; on the loop. */
    private long backlog;
    /** Whether a close frame went out: nothing may follow it. On the loop. */
    private boolean closeSent;
    private boolean flushPending;

    WebSocketConnection(ContextInternal context, FrameFormat format, String address, InetSocketAddress peer,
                        HttpHeaders requestHeaders, int maxMessageSize, long maxSendBacklog,
                        NotificationQueues notifications, NodeMetrics metrics) {
        this.context = context;
        this.format = format;
        this.address = address;
        this.peer = peer;
        this.requestHeaders = requestHeaders;
        this.maxMessageSize = maxMessageSize;
        this.maxSendBacklog = maxSendBacklog;
        this.notifications = notifications;
        this.metrics = metrics;
    }

    /**
     * From here on every frame goes to {@code session}; before the channel reads another byte.
     *
     * @param released run once when the connection has closed, before the session hears of it
     */
    void attach(Session session, Runnable released) {
        this.session = session;
        this.released = released;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx;
        unwatched = new VoidChannelPromise(ctx.channel(), false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ReferenceCountUtil.release(msg); // the end of the upgrade request
            return;
        }
        try {
            context.dispatch(frame, this::onFrame);
        } finally {
            frame.release();
        }
    }

    private void onFrame(WebSocketFrame frame) {
        if (frame instanceof PongWebSocketFrame) {
            session.onTraffic();
        } else if (frame instanceof PingWebSocketFrame) {
            if (open()) {
                write(new PongWebSocketFrame(frame.content().retain()), true);
            }
            session.onTraffic();
        } else if (frame instanceof CloseWebSocketFrame close) {
            onCloseFrame(close);
        } else {
            onDataFrame(frame);
        }
    }

    private void onDataFrame(WebSocketFrame frame) {
        ParserMessage refusal = format.refusal(frame, maxMessageSize);
        if (refusal != null) {
            session.onRejectedFrame(refusal);
            return;
        }
        Message message;
        try {
            message = format.decode(frame.content());
        } catch (DecodeException e) {
            session.onUndecodable(e);
            return;
        }
        metrics.received(message);
        session.onMessage(message);
    }

    /** The client's half of a close handshake, or its answer to ours: either way the TCP connection ends. */
    private void onCloseFrame(CloseWebSocketFrame frame) {
        if (closeSent) {
            channel.close();
            return;
        }
        closeSent = true;
        int status = frame.statusCode();
        CloseWebSocketFrame answer = status < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(status, null);
        channel.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed.set(true);
        if (session != null) {
            // first, so that whoever sees the session gone also sees its admission given back
            released.run();
            context.dispatch(session::onClosed);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            backlog = 0;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.atDebug().log(() -> describe() + " failed: " + cause);
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            closeAtOnce(corrupted.closeStatus().code(), corrupted.getMessage());
        } else if (cause instanceof TooLongFrameException) {
            // a message in fragments past twice the limit: the frame decoder refuses single frames past it
            closeAtOnce(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
        } else {
            ctx.close();
        }
    }

    /** A protocol error: the close frame, then the end of the connection, without waiting for an answer. */
    private void closeAtOnce(int status, String reason) {
        if (closeSent || !channel.channel().isActive()) {
            channel.close();
            return;
        }
        closeSent = true;
        channel.writeAndFlush(CloseFrames.of(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void send(Message message) {
        onLoop(() -> {
            if (open()) {
                write(format.frame(message), true);
                metrics.sent(message);
            }
        });
    }

    @Override
    public void sendNotification(Notification notification) {
        notifications.add(this, context, notification);
    }

    /**
     * Writes a notification, uncounted and unflushed: {@link NotificationQueues} counts its batch
     * and calls {@link #flush} once it is written, so that many changes cost one socket write.
     * On this connection's event loop. False when the connection is closed.
     */
    boolean writeNotification(Notification notification) {
        if (!open()) {
            return false;
        }
        write(format.notificationFrame(notification), false);
        flushPending = true;
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
            if (open()) {
                write(format.onlineFrame(answer), true);
            }
        });
    }

    @Override
    public void ping() {
        onLoop(() -> {
            if (open()) {
                write(new PingWebSocketFrame(), true);
            }
        });
    }

    /**
     * Starts the close handshake, with a deadline: a frozen client never answers, and the close
     * frame may never even leave behind data that client does not read.
     */
    @Override
    public void close(short status, String reason) {
        onLoop(() -> {
            if (!open()) {
                return;
            }
            closeSent = true;
            channel.writeAndFlush(CloseFrames.of(status, reason), unwatched);
            channel.executor().schedule(() -> {
                if (closed.compareAndSet(false, true)) {
                    LOG.atDebug().log(() -> describe() + " did not finish closing; dropping the connection");
                    channel.close();
                }
            }, CLOSE_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private boolean open() {
        return !closed.get() && !closeSent;
    }

    /** On the loop; counts what the socket could not take yet, and drops the client past the bound. */
    private void write(WebSocketFrame frame, boolean flush) {
        int bytes = frame.content().readableBytes();
        if (flush) {
            channel.writeAndFlush(frame, unwatched);
        } else {
            channel.write(frame, unwatched);
        }
        if (!channel.channel().isWritable()) {
            backlog += bytes;
            if (backlog > maxSendBacklog) {
                dropUnreadClient(backlog);
            }
        }
    }

    /** A close frame would wait behind everything the client is not reading: drop it at once. */
    private void dropUnreadClient(long unread) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        metrics.slowReaderDropped();
        LOG.warn(describe() + " left " + unread + " bytes unread (limit " + maxSendBacklog + "); dropping the connection");
        // no close handshake: the channel's close logs the user out as on any close
        channel.close();
    }

    /** Runs {@code action} on the channel's event loop, at once when already there. */
    private void onLoop(Runnable action) {
        if (channel.executor().inEventLoop()) {
            action.run();
        } else {
            channel.executor().execute(action);
        }
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public Map<String, String> headers() {
        HttpHeaders kept = requestHeaders;
        return kept == null ? Map.of() : RequestHeaders.view(kept);
    }

    @Override
    public void loggedIn() {
        requestHeaders = null;
    }

    @Override
    public String describe() {
        return format.name().toLowerCase(Locale.ROOT) + " connection from " + address
                + (peer == null ? "" : ":" + peer.getPort());
    }
}
