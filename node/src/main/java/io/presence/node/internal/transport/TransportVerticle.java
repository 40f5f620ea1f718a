package io.presence.node.internal.transport;

import io.presence.node.config.NodeConfig;
import io.presence.node.config.TransportSecurity;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.api.ApiQueries;
import io.presence.node.internal.session.SessionFactory;
import io.presence.node.internal.login.UsernameLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;

import java.util.function.BooleanSupplier;

/**
 * The HTTP server of one event loop: the two WebSocket endpoints ({@link WebSocketUpgrade}) and
 * the HTTP endpoints ({@link OperationsEndpoints}, {@link PresenceApi}). Deployed once per
 * transport instance; instances share the port.
 */
public final class TransportVerticle extends VerticleBase {

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
    private HttpServer server;

    /**
     * @param operations what the HTTP endpoints for operators report
     * @param accepting false once the node is stopping: new connections are refused (503), so
     *                  that clients reconnect to another node rather than log in on a leaving one
     * @param admission the node's connection limits, shared by its transport instances
     * @param usernames the bound on usernames the HTTP API checks, the node's one
     */
    public TransportVerticle(NodeConfig config, SessionFactory sessions, ApiQueries api, UsernameLimit usernames,
                             NodeOperations operations, BooleanSupplier accepting, Admission admission, NodeMetrics metrics) {
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
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setTcpNoDelay(true)
                // the HTTP API writes on each connection's event loop only, so Vert.x keeps no
                // queue per connection for writes from other threads
                .setStrictThreadMode(true)
                // clients speak HTTP/1.1 (deepstream negotiates nothing else): no protocol
                // sniffing for every new connection
                .setHttp2ClearTextEnabled(false)
                // no compression: with it on, Vert.x puts an extension handler in every pipeline
                // that negotiates permessage-deflate for a browser's upgrade behind WebSocketUpgrade's
                // back, and the frame decoder then refuses the compressed frames
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        TransportSecurity security = config.transportSecurity();
        if (security.tlsEnabled()) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(security.certificate().orElseThrow())
                    .setKeyPath(security.key().orElseThrow()));
            security.clientCa().ifPresent(ca -> options
                    .setTrustOptions(new PemTrustOptions().addCertPath(ca))
                    .setClientAuth(ClientAuth.REQUIRED));
        }
        WebSocketUpgrade upgrade = new WebSocketUpgrade((ContextInternal) context, config, sessions, accepting,
                admission, clientAddress, notifications, metrics);
        server = vertx.createHttpServer(options)
                // no webSocketHandler: WebSocketUpgrade takes the upgrades before Vert.x sees them
                .connectionHandler(connection -> upgrade.install((HttpServerConnection) connection))
                .requestHandler(httpRoutes());
        return server.listen();
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

    /** The port actually bound (differs from the configured one when that was 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
