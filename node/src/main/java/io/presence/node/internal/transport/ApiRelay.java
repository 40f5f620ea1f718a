package io.presence.node.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * Serves a connection that is not a WebSocket (the HTTP API, the health and operators' endpoints,
 * the live page's files) by relaying it to the node's HTTP server, Vert.x's, which listens on a
 * loopback port of its own: requests go there as they were decoded, answers come back as they are
 * written, over one connection opened on this connection's event loop at the first request. That
 * connection starts with a PROXY protocol header naming the caller, so the server sees the
 * address it would have seen without the relay (limits per address, forwarding headers from
 * trusted proxies, the drain endpoint's check for callers on this host).
 */
final class ApiRelay extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRelay.class);

    private final InetSocketAddress server;
    private final ChannelFactory<? extends Channel> channels;
    /** Requests decoded before the connection to the server is up, in order. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private ChannelHandlerContext caller;
    private Channel relayed;

    /**
     * @param server   the loopback address of the HTTP server
     * @param channels makes the client channel of the node's transport (epoll or NIO)
     */
    ApiRelay(InetSocketAddress server, ChannelFactory<? extends Channel> channels) {
        this.server = server;
        this.channels = channels;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        caller = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject http)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (http.decoderResult().isFailure()) {
            // what cannot be parsed is not relayed: answered here, as Vert.x's server would
            ReferenceCountUtil.release(msg);
            Throwable cause = http.decoderResult().cause();
            refuse(ctx, cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST);
            return;
        }
        if (relayed == null) {
            connect(ctx);
        }
        if (relayed.isActive() && waiting.isEmpty()) {
            relayed.write(msg, relayed.voidPromise());
        } else {
            waiting.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relayed != null && relayed.isActive()) {
            relayed.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the caller reads its answers slower than the server writes them: stop reading them
        if (relayed != null) {
            relayed.config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
    }

    /** Also when a WebSocket upgrade took this connection over after requests it relayed. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.atDebug().log(() -> "HTTP connection failed: " + cause);
        ctx.close();
    }

    private void connect(ChannelHandlerContext ctx) {
        // read nothing more until the server is reached, so that requests wait in the socket
        ctx.channel().config().setAutoRead(false);
        ChannelFuture connecting = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channelFactory(channels)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Answers())
                .connect(server);
        relayed = connecting.channel();
        connecting.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                LOG.warn("the node's HTTP server at {} is not reachable: {}", server, done.cause().toString());
                release();
                refuse(ctx, HttpResponseStatus.BAD_GATEWAY);
                return;
            }
            Channel up = done.channel();
            up.write(proxyHeader(ctx.channel(), up), up.voidPromise());
            up.pipeline().addFirst("http", new HttpClientCodec());
            while (!waiting.isEmpty()) {
                up.write(waiting.poll(), up.voidPromise());
            }
            up.flush();
            ctx.channel().config().setAutoRead(true);
        });
    }

    /** An answer of this relay's own, and the end of the connection (answers still owed to earlier requests are dropped). */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
        end();
        ctx.channel().config().setAutoRead(false);
        ClosingAnswers.send(ctx, status);
    }

    /** PROXY protocol version 1: the caller's address and port, and the one it connected to. */
    private static ByteBuf proxyHeader(Channel callerChannel, Channel up) {
        SocketAddress from = callerChannel.remoteAddress();
        SocketAddress to = callerChannel.localAddress();
        String line;
        if (from instanceof InetSocketAddress source && to instanceof InetSocketAddress destination
                && (source.getAddress() instanceof Inet4Address) == (destination.getAddress() instanceof Inet4Address)) {
            line = "PROXY " + (source.getAddress() instanceof Inet4Address ? "TCP4 " : "TCP6 ")
                    + source.getAddress().getHostAddress() + " " + destination.getAddress().getHostAddress() + " "
                    + source.getPort() + " " + destination.getPort() + "\r\n";
        } else {
            line = "PROXY UNKNOWN\r\n";
        }
        return ByteBufUtil.writeAscii(up.alloc(), line);
    }

    private void end() {
        release();
        if (relayed != null) {
            relayed.close();
        }
    }

    private void release() {
        Object next;
        while ((next = waiting.poll()) != null) {
            ReferenceCountUtil.release(next);
        }
    }

    /** The server's side: its answers go to the caller, and its closing closes the caller's connection. */
    private final class Answers extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (caller.channel().isActive()) {
                caller.write(msg, caller.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            caller.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            caller.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // the server closed (its answer said so, or it is stopping): so does the caller's
            // connection, once what was written to it is out
            caller.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.atDebug().log(() -> "relayed HTTP connection failed: " + cause);
            ctx.close();
        }
    }
}
