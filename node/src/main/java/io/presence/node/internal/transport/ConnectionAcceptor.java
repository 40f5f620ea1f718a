package io.presence.node.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The node's listening socket: accepts connections on Vert.x's acceptor thread and hands them in
 * turn to the event loops of the transport instances, each of which sets up a connection's
 * pipeline on its own loop. It replaces the accept path of Vert.x's HTTP server, which gives every
 * connection a socket object with a 4 KB queue and an HTTP connection object that a WebSocket
 * drops at once, and sets more socket options on each (docs/performance.md: a fifth of the young
 * collections of a burst of logins). Binds when the first instance joins; closes the socket, and
 * the connections still open, when the last one leaves.
 */
public final class ConnectionAcceptor {

    /** An event loop that serves connections, and what sets up each connection's pipeline there. */
    record Worker(EventLoop loop, Consumer<Channel> pipeline) {
    }

    private final VertxInternal vertx;
    private final String host;
    private final int port;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private ServerChannel server;
    private Future<Integer> bound;
    private volatile int boundPort;

    /** @param port the port to listen on; 0 for any free one */
    public ConnectionAcceptor(Vertx vertx, String host, int port) {
        this.vertx = (VertxInternal) vertx;
        this.host = host;
        this.port = port;
    }

    /** The port listened on (differs from the one asked for when that was 0); 0 before it is bound. */
    public int port() {
        return boundPort;
    }

    /** Adds an event loop to those that serve connections; completes with the port listened on. */
    synchronized Future<Integer> join(Worker worker) {
        workers.add(worker);
        if (bound == null) {
            bound = bind();
        }
        return bound;
    }

    /** Removes an event loop; the last to leave closes the socket and every connection still open. */
    synchronized void leave(Worker worker) {
        workers.remove(worker);
        if (workers.isEmpty() && server != null) {
            server.close();
            open.close();
            server = null;
            bound = null;
        }
    }

    private Future<Integer> bind() {
        Promise<Integer> result = Promise.promise();
        ServerChannel channel = vertx.transport().serverChannelFactory(false).newChannel();
        channel.config().setOption(ChannelOption.SO_BACKLOG, NetUtil.SOMAXCONN);
        channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
        channel.pipeline().addLast(new Handover());
        server = channel;
        vertx.acceptorEventLoopGroup().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                result.fail(registered.cause());
                return;
            }
            channel.bind(new InetSocketAddress(host, port)).addListener(listening -> {
                if (listening.isSuccess()) {
                    boundPort = ((InetSocketAddress) channel.localAddress()).getPort();
                    result.complete(boundPort);
                } else {
                    channel.close();
                    result.fail(listening.cause());
                }
            });
        });
        return result.future();
    }

    /** On the acceptor thread: each accepted connection goes to the next worker's event loop. */
    @ChannelHandler.Sharable
    private final class Handover extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel connection = (Channel) msg;
            List<Worker> now = workers;
            if (now.isEmpty()) {
                connection.unsafe().closeForcibly(); // the node is stopping
                return;
            }
            Worker worker = now.get(Math.floorMod(turn.getAndIncrement(), now.size()));
            connection.config().setOption(ChannelOption.TCP_NODELAY, true);
            connection.pipeline().addLast(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    worker.pipeline().accept(ch);
                }
            });
            worker.loop().register(connection).addListener(registered -> {
                if (registered.isSuccess()) {
                    open.add(connection);
                } else {
                    connection.unsafe().closeForcibly();
                }
            });
        }
    }
}
