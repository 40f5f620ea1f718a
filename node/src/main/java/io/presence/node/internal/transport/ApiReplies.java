package io.presence.node.internal.transport;

import io.presence.node.internal.api.ApiQueries;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** How the HTTP API answers: JSON bodies, deepstream's plain-text errors, and its denial. */
final class ApiReplies {

    private ApiReplies() {
    }

    /** 200 with {@code answer}, or 403 with deepstream's message for a denied {@code action}. */
    static void answer(RoutingContext ctx, Optional<JsonObject> answer, String action) {
        answer.ifPresentOrElse(body -> json(ctx, 200, body), () -> json(ctx, 403, error(ApiQueries.deniedMessage(action))));
    }

    static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }

    static void text(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
    }
}
