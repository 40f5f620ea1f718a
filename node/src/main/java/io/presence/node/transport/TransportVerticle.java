package io.presence.node.transport;

import io.presence.node.config.NodeConfig;
import io.presence.node.config.TransportSecurity;
import io.presence.node.metrics.NodeMetrics;
import io.presence.node.session.ApiQueries;
import io.presence.node.session.SessionFactory;
import io.presence.node.session.UsernameLimit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;

import java.util.Set;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of one event loop: the two WebSocket endpoints and the operators' HTTP
 * endpoints ({@link OperationsEndpoints}). Deployed
 * once per transport instance; instances share the port.
 */
public final class TransportVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(TransportVerticle.class);

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
    private final Set<String> allowedOrigins;
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
        this.allowedOrigins = Set.copyOf(config.transportSecurity().allowedOrigins());
    }

    @Override
    public Future<?> start() {
        // Vert.x's own cap sits above ours so that an oversized message gets our error reply;
        // only messages over twice the limit are refused by Vert.x, which closes with 1009.
        int hardCap = (int) Math.min(Integer.MAX_VALUE, 2L * config.maxMessageSize());
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setMaxWebSocketFrameSize(hardCap)
                .setMaxWebSocketMessageSize(hardCap)
                .setTcpNoDelay(true)
                // writes happen on each connection's event loop only (WebSocketConnection hops
                // there), so Vert.x keeps no queue per connection for writes from other threads
                .setStrictThreadMode(true)
                // clients speak HTTP/1.1 and uncompressed frames (deepstream negotiates neither):
                // no protocol sniffing or extension handling for every new connection
                .setHttp2ClearTextEnabled(false)
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
        server = vertx.createHttpServer(options)
                .webSocketHandshakeHandler(this::onHandshake)
                .webSocketHandler(this::onWebSocket)
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

    private void onHandshake(ServerWebSocketHandshake handshake) {
        if (formatFor(handshake.path()) == null) {
            handshake.reject(404);
        } else if (!accepting.getAsBoolean()) {
            handshake.reject(503);
        } else if (!originAllowed(handshake.headers().get("Origin"))) {
            LOG.atWarn().log(() -> "WebSocket from origin " + handshake.headers().get("Origin") + " refused (not in allowed.origins)");
            handshake.reject(403);
        } else {
            handshake.accept();
        }
    }

    /** Browsers always send Origin; other clients need not, and are not limited by it. */
    private boolean originAllowed(String origin) {
        return origin == null || allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
    }

    private void onWebSocket(ServerWebSocket socket) {
        String peer = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
        String address = clientAddress.of(peer, socket.headers().getAll("X-Forwarded-For"));
        Admission.Refusal refusal = admission.admit(address);
        if (refusal != null) {
            metrics.limitHit(refusal.limit());
            // a close frame with the reason: browsers and SDKs show it, where an HTTP status is hidden
            socket.close(refusal.closeCode(), refusal.reason());
            return;
        }
        FrameFormat format = formatFor(socket.path());
        // the connection's own context (Vert.x gives each connection one), not the verticle's:
        // writes made on it need no hop
        WebSocketConnection connection = new WebSocketConnection(socket, format, address, config.maxMessageSize(),
                config.maxSendBacklog(), Vertx.currentContext(), notifications, metrics);
        String endpoint = format.name().toLowerCase(Locale.ROOT);
        metrics.connectionOpened(endpoint);
        connection.attach(sessions.open(connection), () -> {
            admission.release(address);
            metrics.connectionClosed(endpoint);
        });
    }

    private FrameFormat formatFor(String path) {
        if (config.binaryPath().equals(path)) {
            return FrameFormat.BINARY;
        }
        if (config.jsonPath().equals(path)) {
            return FrameFormat.JSON;
        }
        return null;
    }
}
