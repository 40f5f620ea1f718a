package io.presence.node.internal.transport;

import io.presence.node.config.NodeConfig;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.session.SessionFactory;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.vertx.core.internal.ContextInternal;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a WebSocket upgrade on one of the two endpoints: it sits in each connection's pipeline
 * behind Netty's HTTP codec and in front of {@link ApiRelay}, lets every other request through to
 * the relay, and for an upgrade runs Netty's handshake and puts a {@link WebSocketConnection} in
 * the relay's place. A WebSocket costs its Netty handlers and our connection only: Vert.x's
 * WebSocket objects (an outbound queue of 4.7 KB each among them) and its layers on every frame
 * measured about half of the event loops' CPU per login (docs/performance.md).
 */
@ChannelHandler.Sharable
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);
    /** This handler's name in a pipeline. */
    static final String NAME = "presence-upgrade";
    /** Names in a connection's pipeline: the HTTP codec in front of this handler, and the relay behind it. */
    static final String HTTP_CODEC = "presence-http";
    static final String OTHERWISE = "presence-api";
    private static final String CONNECTION = "presence-websocket";

    private final ContextInternal context;
    private final NodeConfig config;
    private final SessionFactory sessions;
    private final BooleanSupplier accepting;
    private final Admission admission;
    private final ClientAddress clientAddress;
    private final Set<String> allowedOrigins;
    private final NotificationQueues notifications;
    private final NodeMetrics metrics;
    /** Twice the message limit: messages between the two get our error reply, larger ones a 1009 close. */
    private final int hardCap;
    private final WebSocketServerHandshakerFactory handshakers;

    /**
     * @param context   the Vert.x context of the transport instance, on whose event loop its
     *                  connections' channels run
     * @param accepting false once the node is stopping: upgrades are refused (503), so that clients
     *                  reconnect to another node rather than log in on a leaving one
     */
    WebSocketUpgrade(ContextInternal context, NodeConfig config, SessionFactory sessions, BooleanSupplier accepting,
                     Admission admission, ClientAddress clientAddress, NotificationQueues notifications,
                     NodeMetrics metrics) {
        this.context = context;
        this.config = config;
        this.sessions = sessions;
        this.accepting = accepting;
        this.admission = admission;
        this.clientAddress = clientAddress;
        this.allowedOrigins = Set.copyOf(config.transportSecurity().allowedOrigins());
        this.notifications = notifications;
        this.metrics = metrics;
        this.hardCap = (int) Math.min(Integer.MAX_VALUE, 2L * config.maxMessageSize());
        // only messages over twice the limit are refused by the decoder (close 1009); the
        // connection answers the rest; protocol errors come to it as exceptions, so that its close
        // frame goes through the frame encoder
        this.handshakers = new WebSocketServerHandshakerFactory(null, null, WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(hardCap)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .build());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && isUpgrade(request)) {
            FrameFormat format = formatFor(request.uri());
            if (format != null) {
                context.dispatch(v -> upgrade(ctx, request, format));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private FrameFormat formatFor(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (config.binaryPath().equals(path)) {
            return FrameFormat.BINARY;
        }
        if (config.jsonPath().equals(path)) {
            return FrameFormat.JSON;
        }
        return null;
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request, FrameFormat format) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!accepting.getAsBoolean()) {
            refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE);
            return;
        }
        if (!originAllowed(origin)) {
            LOG.atWarn().log(() -> "WebSocket from origin " + origin + " refused (not in allowed.origins)");
            refuse(ctx, HttpResponseStatus.FORBIDDEN);
            return;
        }
        WebSocketServerHandshaker handshaker = handshakers.newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        try {
            // writes the 101 and swaps the HTTP codec for the frame codec, or throws before either
            handshaker.handshake(ctx.channel(), new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                    request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE),
                    null, ctx.newPromise());
        } catch (WebSocketHandshakeException e) {
            LOG.atDebug().log(() -> "WebSocket handshake refused: " + e.getMessage());
            refuse(ctx, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        String address = clientAddress.of(peer == null ? null : peer.getAddress().getHostAddress(),
                request.headers().getAll("X-Forwarded-For"));
        ChannelPipeline pipeline = ctx.pipeline();
        Admission.Refusal refusal = admission.admit(address);
        if (refusal != null) {
            metrics.limitHit(refusal.limit());
            pipeline.remove(OTHERWISE);
            pipeline.remove(this);
            // a close frame with the reason: browsers and SDKs show it, where an HTTP status is hidden
            ctx.channel().writeAndFlush(new CloseWebSocketFrame(refusal.closeCode(), refusal.reason()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(context, format, address, peer, request.headers(),
                config.maxMessageSize(), config.maxSendBacklog(), notifications, metrics);
        pipeline.replace(OTHERWISE, CONNECTION, connection);
        if (format == FrameFormat.JSON) {
            pipeline.addBefore(CONNECTION, "presence-utf8", new Utf8FrameValidator(false));
        }
        pipeline.addBefore(CONNECTION, "presence-fragments", new WebSocketFrameAggregator(hardCap));
        pipeline.remove(this);
        String endpoint = format.name().toLowerCase(Locale.ROOT);
        metrics.connectionOpened(endpoint);
        connection.attach(sessions.open(connection), () -> {
            admission.release(address);
            metrics.connectionClosed(endpoint);
        });
    }

    /** Browsers always send Origin; other clients need not, and are not limited by it. */
    private boolean originAllowed(String origin) {
        return origin == null || allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
    }

    /** An HTTP answer, and the end of the connection; the relay, which never saw the request, goes first. */
    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
        ctx.pipeline().remove(OTHERWISE);
        ClosingAnswers.send(ctx, status);
    }
}
