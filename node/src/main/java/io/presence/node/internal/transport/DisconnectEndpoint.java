package io.presence.node.internal.transport;

import io.presence.node.internal.api.ApiQueries;
import io.presence.node.internal.login.UsernameLimit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;

import static io.presence.node.internal.transport.ApiReplies.error;
import static io.presence.node.internal.transport.ApiReplies.json;

/** Disconnecting a user from the server: the HTTP side of a disconnect order (issue 22). */
final class DisconnectEndpoint {

    /** A close frame's reason holds at most 123 bytes (RFC 6455); ours leaves room to spare. */
    static final int MAX_REASON_BYTES = 120;
    /** Logins refused for at most a day: longer is a ban, which belongs in the login strategy. */
    static final long MAX_REFUSAL_MILLIS = 86_400_000L;
    private static final int BODY_LIMIT = 4096;

    private final ApiQueries queries;
    private final ApiCallers callers;
    private final UsernameLimit usernames;

    DisconnectEndpoint(ApiQueries queries, ApiCallers callers, UsernameLimit usernames) {
        this.queries = queries;
        this.callers = callers;
        this.usernames = usernames;
    }

    /** Under {@code presencePath}: {@code POST <presencePath>/{user}/disconnect}. */
    void mount(Router router, String presencePath) {
        router.post(presencePath + "/:user/disconnect").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(this::disconnect);
    }

    /**
     * {@code POST /api/presence/{user}/disconnect} with an optional body {@code {reason?, refuseLoginsForMs?}}:
     * closes every connection of the user on every node (close code 4000 with the reason), and
     * refuses the user's logins for that long. 202 once the cluster has the order.
     */
    private void disconnect(RoutingContext ctx) {
        String user = ctx.pathParam("user");
        if (!usernames.fits(user)) {
            json(ctx, 400, error("user: " + usernames.rule()));
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().isEmpty() ? new JsonObject() : ctx.body().asJsonObject();
        } catch (RuntimeException notAnObject) {
            json(ctx, 400, error("the body must be a JSON object: {\"reason\"?: text, \"refuseLoginsForMs\"?: number}"));
            return;
        }
        Object reason = body == null ? null : body.getValue("reason");
        Object refuse = body == null ? null : body.getValue("refuseLoginsForMs");
        if (reason != null && (!(reason instanceof String text) || text.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES)) {
            json(ctx, 400, error("reason: text of at most " + MAX_REASON_BYTES + " bytes (it travels in the close frame)"));
            return;
        }
        if (refuse != null && (!(refuse instanceof Number n) || n.longValue() < 0 || n.longValue() > MAX_REFUSAL_MILLIS)) {
            json(ctx, 400, error("refuseLoginsForMs: a number of milliseconds from 0 to " + MAX_REFUSAL_MILLIS));
            return;
        }
        String why = reason == null ? "disconnected by the server" : (String) reason;
        long refuseMillis = refuse == null ? 0 : ((Number) refuse).longValue();
        callers.asCaller(ctx, caller -> Future.fromCompletionStage(queries.disconnect(caller, user, why, refuseMillis), Vertx.currentContext())
                .onSuccess(order -> order.ifPresentOrElse(
                        o -> json(ctx, 202, new JsonObject().put("user", user).put("reason", why)
                                .put("refusedUntil", o.refusedUntilMillis() == 0 ? null : o.refusedUntilMillis())),
                        () -> json(ctx, 403, error(ApiQueries.deniedMessage("DISCONNECT")))))
                .onFailure(failure -> json(ctx, 503, error("the order could not be given to the cluster; try again"))));
    }
}
