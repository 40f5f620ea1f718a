package io.presence.node.internal.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTTP side of a node, for operators: health ({@code /health-check}, deepstream's path: serving
 * and in a large enough cluster), liveness (the process answers at all), readiness, Prometheus metrics, the live page's figures and the live page itself, and the drain
 * that a container's pre-stop hook calls (and its end). Every path but the page's files is exact.
 */
final class OperationsEndpoints {

    static final String LIVE_PATH = "/live";
    static final String READY_PATH = "/ready";
    static final String METRICS_PATH = "/metrics";
    static final String STATUS_PATH = "/status";
    static final String DRAIN_PATH = "/drain";
    /** Prometheus's text exposition format, the one every scraper reads. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private OperationsEndpoints() {
    }

    /** Adds the operators' routes. */
    static void mount(Router router, Vertx vertx, String healthPath, Optional<String> drainToken, NodeOperations node) {
        router.get(healthPath).handler(ctx -> {
            boolean ok = node.healthy();
            json(ctx, ok ? 200 : 503, ok ? "{\"status\":\"serving\"}" : "{\"status\":\"unavailable\"}");
        });
        // answering at all is the point: an event loop that runs, whatever the cluster does (a
        // liveness probe that followed the cluster would restart every pod cut off by a network split)
        router.get(LIVE_PATH).handler(ctx -> json(ctx, 200, "{\"status\":\"alive\"}"));
        router.get(READY_PATH).handler(ctx -> {
            NodeOperations.Readiness readiness = node.readiness();
            json(ctx, readiness.ready() ? 200 : 503, "{\"status\":\"" + readiness.state() + "\"}");
        });
        router.get(METRICS_PATH).handler(ctx -> vertx.executeBlocking(node::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("content-type", PROMETHEUS_TEXT).end(text))
                .onFailure(ctx::fail));
        // answers come back on the request's own event loop: the server runs in strict thread mode
        router.get(STATUS_PATH).handler(ctx -> Future.fromCompletionStage(node.status(), Vertx.currentContext())
                .onSuccess(body -> {
                    ctx.response().putHeader("cache-control", "no-store");
                    json(ctx, 200, body);
                })
                .onFailure(ctx::fail));
        router.post(DRAIN_PATH).handler(ctx -> {
            if (mayDrain(ctx, drainToken)) {
                Future.fromCompletionStage(node.drain(), Vertx.currentContext())
                        .onComplete(done -> json(ctx, 200, "{\"status\":\"draining\"}"));
            }
        });
        router.delete(DRAIN_PATH).handler(ctx -> {
            if (mayDrain(ctx, drainToken)) {
                if (node.resume()) {
                    json(ctx, 200, "{\"status\":\"" + node.readiness().state() + "\"}");
                } else {
                    json(ctx, 409, "{\"error\":\"the node is stopping; its drain cannot be ended\"}");
                }
            }
        });
    }

    /** The live page: static files from the jar, no build step. Mounted last: it takes any other GET. */
    static void mountPage(Router router) {
        router.get().handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    }

    /**
     * With a drain token, whoever presents it; without one, the pre-stop hook of the node's own
     * container. Answers the refusal itself.
     */
    private static boolean mayDrain(RoutingContext ctx, Optional<String> drainToken) {
        if (drainToken.isPresent()) {
            String given = ctx.request().getHeader("Authorization");
            byte[] expected = ("Bearer " + drainToken.get()).getBytes(StandardCharsets.UTF_8);
            if (given == null || !MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                json(ctx, 401, "{\"error\":\"drain needs the node's drain.token as a bearer token\"}");
                return false;
            }
            return true;
        }
        if (!fromThisHost(ctx.request())) {
            json(ctx, 403, "{\"error\":\"drain is taken from this host only (a container's pre-stop hook); "
                    + "set drain.token to take it from elsewhere\"}");
            return false;
        }
        return true;
    }

    /**
     * A loopback peer that came through no proxy: a reverse proxy on the same host would add a
     * forwarding header, and what it forwards is not from this host.
     */
    private static boolean fromThisHost(HttpServerRequest request) {
        if (request.remoteAddress() == null || request.headers().contains("X-Forwarded-For")
                || request.headers().contains("Forwarded")) {
            return false;
        }
        String host = request.remoteAddress().hostAddress().toLowerCase(Locale.ROOT);
        return host.startsWith("127.") || host.equals("0:0:0:0:0:0:0:1") || host.equals("::1");
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }
}
