package io.presence.node.internal.transport;

import io.presence.node.config.NodeConfig;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.api.ApiQueries;
import io.presence.node.internal.session.SessionFactory;
import io.presence.node.internal.login.UsernameLimit;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;

import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * One event loop's share of the node's port: the connections {@link ConnectionAcceptor} hands it
 * get Netty's HTTP codec, then either a WebSocket on one of the two endpoints
 * ({@link WebSocketUpgrade}) or, for every other request, a relay ({@link ApiRelay}) to this
 * instance's Vert.x HTTP server, which serves the HTTP endpoints ({@link OperationsEndpoints},
 * {@link PresenceApi}) on a loopback port of its own. Deployed once per transport instance.
 */
public final class TransportVerticle extends VerticleBase {

    /** Where the HTTP server listens, for {@link ApiRelay} only. */
    private static final String RELAY_HOST = "127.0.0.1";

    private final NodeConfig config;
    private final SessionFactory sessions;
    private final NodeOperations operations;
    private final NodeMetrics metrics;
    private final ApiQueries api;
    private final UsernameLimit usernames;
    private final BooleanSupplier accepting;
    private final Admission admission;
    private final NotificationQueues notifications;
    private final ClientAddress clientAddress;
    private final ConnectionAcceptor acceptor;
    private HttpServer server;
    private ConnectionAcceptor.Worker worker;

    /**
     * @param operations what the HTTP endpoints for operators report
     * @param accepting false once the node is stopping: new connections are refused (503), so
     *                  that clients reconnect to another node rather than log in on a leaving one
     * @param admission the node's connection limits, shared by its transport instances
     * @param usernames the bound on usernames the HTTP API checks, the node's one
     * @param acceptor  the node's listening socket, shared by its transport instances
     */
    public TransportVerticle(NodeConfig config, SessionFactory sessions, ApiQueries api, UsernameLimit usernames,
                             NodeOperations operations, BooleanSupplier accepting, Admission admission,
                             ConnectionAcceptor acceptor, NodeMetrics metrics) {
        this.acceptor = acceptor;
        this.usernames = usernames;
        this.api = api;
        this.config = config;
        this.sessions = sessions;
        this.operations = operations;
        this.metrics = metrics;
        this.accepting = accepting;
        this.admission = admission;
        this.notifications = new NotificationQueues(metrics);
        this.clientAddress = new ClientAddress(config.transportSecurity().trustedProxies());
    }

    @Override
    public Future<?> start() {
        ContextInternal loop = (ContextInternal) context;
        WebSocketUpgrade upgrade = new WebSocketUpgrade(loop, config, sessions, accepting, admission, clientAddress,
                notifications, metrics);
        ChannelFactory<? extends Channel> relays = ((VertxInternal) vertx).transport().channelFactory(false);
        HttpServerOptions options = new HttpServerOptions()
                // reached only through ApiRelay, which names the caller in a PROXY protocol header
                .setHost(RELAY_HOST)
                .setPort(0)
                .setUseProxyProtocol(true)
                .setTcpNoDelay(true)
                // the HTTP API writes on each connection's event loop only, so Vert.x keeps no
                // queue per connection for writes from other threads
                .setStrictThreadMode(true)
                .setHttp2ClearTextEnabled(false);
        server = vertx.createHttpServer(options).requestHandler(httpRoutes());
        return vertx.executeBlocking(() -> ServerTls.context(config.transportSecurity(), vertx), false)
                .compose(tls -> server.listen().compose(api -> {
                    InetSocketAddress relayTo = new InetSocketAddress(RELAY_HOST, api.actualPort());
                    worker = new ConnectionAcceptor.Worker(loop.nettyEventLoop(), channel -> {
                        ChannelPipeline pipeline = channel.pipeline();
                        if (tls != null) {
                            pipeline.addLast("presence-tls", tls.newHandler(channel.alloc()));
                        }
                        pipeline.addLast(WebSocketUpgrade.HTTP_CODEC, new HttpServerCodec());
                        pipeline.addLast(WebSocketUpgrade.NAME, upgrade);
                        pipeline.addLast(WebSocketUpgrade.OTHERWISE, new ApiRelay(relayTo, relays));
                    });
                    return acceptor.join(worker);
                }));
    }

    @Override
    public Future<?> stop() {
        if (worker != null) {
            acceptor.leave(worker);
        }
        return Future.succeededFuture(); // Vert.x closes the HTTP server with the verticle
    }

    /** Operators' endpoints, the HTTP presence API, then the live page's files. */
    private Router httpRoutes() {
        Router router = Router.router(vertx);
        OperationsEndpoints.mount(router, vertx, config.healthPath(), config.operations().drainToken(), operations);
        new PresenceApi(api, clientAddress, config.limits(), usernames, admission, metrics)
                .mount(router, config.maxMessageSize());
        OperationsEndpoints.mountPage(router);
        return router;
    }
}
