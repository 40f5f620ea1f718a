package io.presence.node.transport;

import io.presence.node.config.Limits;
import io.presence.node.metrics.NodeMetrics;
import io.presence.node.session.ApiQueries;
import io.presence.node.session.UsernameLimit;
import io.presence.protocol.JsonText;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Presence over HTTP, for backends that hold no WebSocket: deepstream's {@code POST /api}
 * (its JSON format, so existing callers work) and a plain REST form under {@code /api/presence}.
 * Requests log in with the login strategies (a token or credentials) and are checked against
 * the presence rules through {@link ApiQueries}.
 */
final class PresenceApi {

    static final String DEEPSTREAM_PATH = "/api";
    static final String PRESENCE_PATH = "/api/presence";
    static final int DEFAULT_PAGE = 1000;

    private final ApiQueries queries;
    private final ClientAddress clientAddress;
    private final int maxNames;
    private final int maxCommands;
    private final int maxAnswerBytes;
    private final UsernameLimit usernames;

    private final ApiAdmission admission;

    PresenceApi(ApiQueries queries, ClientAddress clientAddress, Limits limits, UsernameLimit usernames,
                Admission admission, NodeMetrics metrics) {
        this.queries = queries;
        this.clientAddress = clientAddress;
        this.admission = new ApiAdmission(admission, clientAddress, metrics);
        this.maxNames = limits.maxRequestNames();
        this.maxCommands = limits.maxApiCommands();
        this.maxAnswerBytes = limits.maxApiAnswerBytes();
        this.usernames = usernames;
    }

    /** A close frame's reason holds at most 123 bytes (RFC 6455); ours leaves room to spare. */
    static final int MAX_REASON_BYTES = 120;
    /** Logins refused for at most a day: longer is a ban, which belongs in the login strategy. */
    static final long MAX_REFUSAL_MILLIS = 86_400_000L;
    private static final int DISCONNECT_BODY_LIMIT = 4096;

    void mount(Router router, long maxBody) {
        router.route(DEEPSTREAM_PATH + "*").handler(admission::admit);
        router.post(DEEPSTREAM_PATH).handler(BodyHandler.create(false).setBodyLimit(maxBody)).handler(this::deepstreamApi);
        router.get(PRESENCE_PATH + "/count").handler(ctx -> asCaller(ctx, caller -> answer(ctx,
                queries.count(caller).map(n -> new JsonObject().put("count", n)), "QUERY_ALL")));
        router.get(PRESENCE_PATH + "/:user").handler(ctx -> asCaller(ctx, caller -> {
            String user = ctx.pathParam("user");
            if (!usernames.fits(user)) {
                json(ctx, 400, error("user: " + usernames.rule()));
                return;
            }
            Optional<ApiQueries.UserAnswer> status = queries.status(caller, user);
            if (status.isEmpty()) {
                json(ctx, 403, error(ApiQueries.deniedMessage("QUERY")));
                return;
            }
            withLastSeen(ctx, Map.of(user, status.get().online()),
                    seen -> userJson(user, status.get()).put("lastSeen", seen.get(user)));
        }));
        router.get(PRESENCE_PATH).handler(ctx -> asCaller(ctx, caller -> onlineUsers(ctx, caller)));
        router.post(PRESENCE_PATH + "/:user/disconnect").handler(BodyHandler.create(false).setBodyLimit(DISCONNECT_BODY_LIMIT))
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
        asCaller(ctx, caller -> Future.fromCompletionStage(queries.disconnect(caller, user, why, refuseMillis), Vertx.currentContext())
                .onSuccess(order -> order.ifPresentOrElse(
                        o -> json(ctx, 202, new JsonObject().put("user", user).put("reason", why)
                                .put("refusedUntil", o.refusedUntilMillis() == 0 ? null : o.refusedUntilMillis())),
                        () -> json(ctx, 403, error(ApiQueries.deniedMessage("DISCONNECT")))))
                .onFailure(failure -> json(ctx, 503, error("the order could not be given to the cluster; try again"))));
    }

    // --- deepstream's POST /api ------------------------------------------------------------

    /**
     * {@code {token?|authData?, body: [{topic: "presence", action: "query", names?}]}} answered
     * with {@code {result, body: [...]}}, one result per command, as deepstream does.
     */
    private void deepstreamApi(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.split(";")[0].trim().equalsIgnoreCase("application/json")) {
            text(ctx, 415, "Invalid \"Content-Type\" header. Supported media types: \"application/json\"");
            return;
        }
        JsonObject request;
        try {
            Object parsed = ctx.body().buffer() == null ? null : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
            if (!(parsed instanceof JsonObject object)) {
                text(ctx, 400, "Failed to parse body of request: a JSON object is expected");
                return;
            }
            request = object;
        } catch (DecodeException e) {
            text(ctx, 400, "Failed to parse body of request: " + e.getMessage());
            return;
        }
        Object body = request.getValue("body");
        if (!(body instanceof JsonArray commands) || commands.isEmpty()) {
            text(ctx, 400, "Invalid message: the \"body\" parameter must "
                    + (body == null ? "exist." : "be a non-empty array of Objects."));
            return;
        }
        if (commands.size() > maxCommands) {
            text(ctx, 413, "Invalid message: at most " + maxCommands + " commands per request; this one had "
                    + commands.size() + ": split it");
            return;
        }
        Map<String, Object> authData;
        Object given = request.getValue("authData");
        if (given != null) {
            if (!(given instanceof JsonObject data)) {
                text(ctx, 400, "Invalid message: the \"authData\" parameter must be an object");
                return;
            }
            authData = data.getMap();
        } else if (request.containsKey("token")) {
            if (!(request.getValue("token") instanceof String token) || token.isEmpty()) {
                text(ctx, 400, "Invalid message: the \"token\" parameter must be a non-empty string");
                return;
            }
            authData = Map.of("token", token);
        } else {
            authData = Map.of();
        }
        List<List<String>> parsed = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            String problem = problemWith(commands.getValue(i));
            if (problem != null) {
                text(ctx, 400, "Failed to parse JIF object at index " + i + ". Reason: " + problem);
                return;
            }
            JsonArray names = ((JsonObject) commands.getValue(i)).getJsonArray("names");
            parsed.add(names == null ? null : names.stream().map(String.class::cast).toList());
        }
        login(ctx, authData, caller -> answerCommands(ctx, caller, parsed), reason -> text(ctx, 401, reason));
    }

    /**
     * One result per command, each encoded as it is made, and given up with 413 once the answer
     * would pass {@code api.max.answer.bytes}: a small body may ask for the online list many times.
     */
    private void answerCommands(RoutingContext ctx, ApiQueries.Login.Caller caller, List<List<String>> commands) {
        Buffer results = Buffer.buffer();
        Buffer everyone = null; // the same answer for every such command of one request: encoded once
        boolean everyoneAllowed = false;
        int succeeded = 0;
        for (List<String> names : commands) {
            JsonObject result;
            Buffer encoded;
            if (names == null) {
                if (everyone == null) {
                    result = queries.everyone(caller).map(users -> new JsonObject().put("success", true).put("users", new JsonArray(users)))
                            .orElseGet(() -> denied(PresenceMessage.Action.QUERY_ALL));
                    everyone = result.toBuffer();
                    everyoneAllowed = result.getBoolean("success");
                }
                encoded = everyone;
                succeeded += everyoneAllowed ? 1 : 0;
            } else {
                result = queries.areOnline(caller, names).map(users -> new JsonObject().put("success", true)
                                .put("users", new JsonObject(new LinkedHashMap<String, Object>(users))))
                        .orElseGet(() -> denied(PresenceMessage.Action.QUERY));
                encoded = result.toBuffer();
                succeeded += result.getBoolean("success") ? 1 : 0;
            }
            if (results.length() + encoded.length() + 1 > maxAnswerBytes) {
                text(ctx, 413, "The answer would be larger than " + maxAnswerBytes + " bytes (api.max.answer.bytes): "
                        + "ask for the online list once per request, or page through GET " + PRESENCE_PATH);
                return;
            }
            results.appendString(results.length() == 0 ? "" : ",").appendBuffer(encoded);
        }
        String outcome = succeeded == commands.size() ? "SUCCESS" : succeeded == 0 ? "FAILURE" : "PARTIAL_SUCCESS";
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(Buffer.buffer("{\"result\":\"" + outcome + "\",\"body\":[").appendBuffer(results).appendString("]}"));
    }

    /** What is wrong with one command, or null: presence queries are all this node serves. */
    private String problemWith(Object command) {
        if (!(command instanceof JsonObject c)) {
            return "each command must be an object";
        }
        if (!"presence".equals(c.getValue("topic"))) {
            return "topic '" + c.getValue("topic") + "' is not served here; only 'presence'";
        }
        if (!"query".equals(c.getValue("action"))) {
            return "action '" + c.getValue("action") + "' is not one of presence's: 'query'";
        }
        Object names = c.getValue("names");
        if (names == null) {
            return null;
        }
        if (!(names instanceof JsonArray list) || list.stream().anyMatch(n -> !(n instanceof String s) || !usernames.fits(s))) {
            return "property 'names' must be an array of usernames: " + usernames.rule();
        }
        if (list.size() > maxNames) {
            return "at most " + maxNames + " names per query";
        }
        return null;
    }

    /** deepstream's answer to a denied command. */
    private static JsonObject denied(PresenceMessage.Action original) {
        return new JsonObject()
                .put("success", false)
                .put("errorTopic", "presence")
                .put("errorEvent", PresenceMessage.Action.MESSAGE_DENIED.code())
                .put("action", original.code())
                .put("error", ApiQueries.deniedMessage(original.name()));
    }

    // --- REST: /api/presence ---------------------------------------------------------------

    /** {@code ?names=a,b}: each name's state; otherwise everyone online, a page at a time. */
    private void onlineUsers(RoutingContext ctx, ApiQueries.Login.Caller caller) {
        String names = ctx.request().getParam("names");
        if (names != null) {
            List<String> asked = Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
            if (asked.isEmpty() || asked.size() > maxNames) {
                json(ctx, 400, error("names: give 1 to " + maxNames + " comma-separated usernames"));
                return;
            }
            if (!asked.stream().allMatch(usernames::fits)) {
                json(ctx, 400, error("names: " + usernames.rule()));
                return;
            }
            Optional<Map<String, Boolean>> online = queries.areOnline(caller, asked);
            if (online.isEmpty()) {
                json(ctx, 403, error(ApiQueries.deniedMessage("QUERY")));
                return;
            }
            withLastSeen(ctx, online.get(), seen -> new JsonObject()
                    .put("users", new JsonObject(new LinkedHashMap<String, Object>(online.get())))
                    .put("lastSeen", new JsonObject(new LinkedHashMap<String, Object>(seen))));
            return;
        }
        int limit;
        try {
            limit = Integer.parseInt(Optional.ofNullable(ctx.request().getParam("limit")).orElse(String.valueOf(DEFAULT_PAGE)));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > maxNames) {
            json(ctx, 400, error("limit: a number from 1 to " + maxNames));
            return;
        }
        String after;
        try {
            after = Optional.ofNullable(ctx.request().getParam("cursor"))
                    .map(c -> new String(Base64.getUrlDecoder().decode(c), StandardCharsets.UTF_8)).orElse(null);
        } catch (IllegalArgumentException e) {
            json(ctx, 400, error("cursor: pass back the 'next' of the previous page as it was"));
            return;
        }
        answer(ctx, queries.page(caller, limit, after).map(page -> new JsonObject()
                .put("users", new JsonArray(page.users()))
                .put("total", page.total())
                .put("next", page.last() == null ? null
                        : Base64.getUrlEncoder().withoutPadding().encodeToString(page.last().getBytes(StandardCharsets.UTF_8)))),
                "QUERY_ALL");
    }

    /** Answers 200 with {@code body} made from the last-seen times of the offline users of {@code online}. */
    private void withLastSeen(RoutingContext ctx, Map<String, Boolean> online, Function<Map<String, Long>, JsonObject> body) {
        Future.fromCompletionStage(queries.lastSeen(online), Vertx.currentContext())
                .onSuccess(seen -> json(ctx, 200, body.apply(seen)))
                .onFailure(failure -> json(ctx, 503, error("last-seen times could not be read from the cluster; try again")));
    }

    private static JsonObject userJson(String user, ApiQueries.UserAnswer status) {
        return new JsonObject()
                .put("user", user)
                .put("online", status.online())
                .put("since", status.sinceMillis());
    }

    /** Logs in with the Authorization header: a bearer token, or basic credentials; none is anonymous. */
    private void asCaller(RoutingContext ctx, Consumer<ApiQueries.Login.Caller> then) {
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

    private void login(RoutingContext ctx, Map<String, Object> authData, Consumer<ApiQueries.Login.Caller> then,
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

    private static void answer(RoutingContext ctx, Optional<JsonObject> answer, String action) {
        answer.ifPresentOrElse(body -> json(ctx, 200, body), () -> json(ctx, 403, error(ApiQueries.deniedMessage(action))));
    }

    private static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }

    private static void text(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
    }
}
