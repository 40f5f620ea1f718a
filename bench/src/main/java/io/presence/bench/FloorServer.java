package io.presence.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.codec.BinaryCodec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A measuring stick, not a server: the least a login can cost on this JVM. One node, no cluster,
 * no Vert.x, nothing kept but the subscribers: the WebSocket upgrade on bare Netty, CHALLENGE,
 * AUTH, and a join written to each subscriber. docs/performance.md runs the {@code logins}
 * scenario against it beside our node and deepstream.
 *
 * <pre>java -cp "bench/target/presence-bench.jar:bench/target/lib/*" io.presence.bench.FloorServer 6322</pre>
 */
public final class FloorServer {

    private static final BinaryCodec CODEC = new BinaryCodec();
    private static final AttributeKey<String> USER = AttributeKey.valueOf("user");
    private static final Set<Channel> SUBSCRIBERS = ConcurrentHashMap.newKeySet();

    private FloorServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
            System.err.println("usage: FloorServer PORT   (serves ws://127.0.0.1:PORT/deepstream)");
            System.exit(args.length == 1 && args[0].equals("--help") ? 0 : 2);
        }
        int port = Integer.parseInt(args[0]);
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        new ServerBootstrap().group(acceptor, loops).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/deepstream", null, false, 1 << 20),
                                new Frames());
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("floor server on 127.0.0.1:" + port);
        Thread.currentThread().join();
    }

    private static final class Frames extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) throws Exception {
            byte[] bytes = new byte[frame.content().readableBytes()];
            frame.content().readBytes(bytes);
            Message message = CODEC.decode(bytes);
            Channel channel = ctx.channel();
            if (message instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.CHALLENGE) {
                send(channel, ConnectionMessage.of(ConnectionMessage.Action.ACCEPT));
            } else if (message instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.PING) {
                send(channel, ConnectionMessage.of(ConnectionMessage.Action.PONG));
            } else if (message instanceof AuthMessage auth) {
                send(channel, AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, null));
                String user = username(auth.data());
                if (user != null) {
                    channel.attr(USER).set(user);
                    tell(user, true);
                }
            } else if (message instanceof PresenceMessage p && p.action() == PresenceMessage.Action.SUBSCRIBE_ALL) {
                SUBSCRIBERS.add(channel);
                send(channel, PresenceMessage.ack(PresenceMessage.Action.SUBSCRIBE_ALL, p.correlationId()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            SUBSCRIBERS.remove(ctx.channel());
            String user = ctx.channel().attr(USER).get();
            if (user != null) {
                tell(user, false);
            }
        }
    }

    /** The generator's logins carry {"username":"..."} and nothing else. */
    private static String username(String authData) {
        int at = authData == null ? -1 : authData.indexOf("\"username\":\"");
        if (at < 0) {
            return null;
        }
        int start = at + 12;
        return authData.substring(start, authData.indexOf('"', start));
    }

    private static void tell(String user, boolean online) {
        byte[] frame = CODEC.encode(PresenceMessage.named(
                online ? PresenceMessage.Action.PRESENCE_JOIN_ALL : PresenceMessage.Action.PRESENCE_LEAVE_ALL, user));
        for (Channel subscriber : SUBSCRIBERS) {
            subscriber.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
        }
    }

    private static void send(Channel channel, Message message) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(CODEC.encode(message))));
    }
}
