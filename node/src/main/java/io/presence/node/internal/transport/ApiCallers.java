package io.presence.node.internal.transport;

import io.presence.node.internal.api.ApiQueries;
import io.presence.protocol.JsonText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static io.presence.node.internal.transport.ApiReplies.error;
import static io.presence.node.internal.transport.ApiReplies.json;

/**
 * Who calls the HTTP API: a request logs in with the login strategies (a bearer token, basic
 * credentials, or deepstream's {@code authData}) before anything is answered; a refusal, a
 * throttle or an undecided login is answered here.
 */
final class ApiCallers {

    private final ApiQueries queries;
    private final ClientAddress clientAddress;

    ApiCallers(ApiQueries queries, ClientAddress clientAddress) {
        this.queries = queries;
        this.clientAddress = clientAddress;
    }

    /** Logs in with the Authorization header: a bearer token, or basic credentials; none is anonymous. */
    void asCaller(RoutingContext ctx, Consumer<ApiQueries.Login.Caller> then) {
        Map<String, Object> authData = Map.of();
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null) {
            String[] parts = authorization.trim().split("\\s+", 2);
            String scheme = parts[0].toLowerCase(Locale.ROOT);
            if (parts.length == 2 && scheme.equals("bearer")) {
                authData = Map.of("token", parts[1]);
            } else if (parts.length == 2 && scheme.equals("basic")) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    json(ctx, 400, error("Authorization: basic credentials must be base64 of user:password"));
                    return;
                }
                int colon = decoded.indexOf(':');
                authData = colon < 0 ? Map.of("username", decoded)
                        : Map.of("username", decoded.substring(0, colon), "password", decoded.substring(colon + 1));
            } else {
                json(ctx, 400, error("Authorization: use Bearer <token> or Basic <credentials>"));
                return;
            }
        }
        login(ctx, authData, then, reason -> {
            ctx.response().putHeader("WWW-Authenticate", "Bearer, Basic");
            json(ctx, 401, error(reason));
        });
    }

    void login(RoutingContext ctx, Map<String, Object> authData, Consumer<ApiQueries.Login.Caller> then,
                       Consumer<String> refused) {
        HttpServerRequest request = ctx.request();
        Map<String, String> headers = RequestHeaders.lowerCased(request.headers());
        // the strategies may answer on another thread; the answer is written from the request's event loop
        Future.fromCompletionStage(queries.login(authData, JsonText.write(authData),
                        clientAddress.of(request), headers), Vertx.currentContext())
                .onSuccess(login -> {
                    if (login instanceof ApiQueries.Login.Caller caller) {
                        then.accept(caller);
                    } else if (login instanceof ApiQueries.Login.Throttled throttled) {
                        ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, (throttled.retryAfterMillis() + 999) / 1000)));
                        json(ctx, 429, error(throttled.reason()));
                    } else {
                        refused.accept(readable(((ApiQueries.Login.Refused) login).reason()));
                    }
                })
                .onFailure(failure -> json(ctx, 503, error("the login could not be checked; try again")));
    }

    /** A strategy's reason is JSON text; a JSON string is shown as its text. */
    private static String readable(String reason) {
        try {
            Object value = io.vertx.core.json.Json.decodeValue(reason);
            return value instanceof String s ? s : reason;
        } catch (DecodeException notJson) {
            return reason;
        }
    }
}
