package io.presence.node.internal.transport;

import io.presence.node.config.Limits;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.api.ApiQueries;
import io.presence.node.internal.login.UsernameLimit;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
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
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.presence.node.internal.transport.ApiReplies.answer;
import static io.presence.node.internal.transport.ApiReplies.error;
import static io.presence.node.internal.transport.ApiReplies.json;
import static io.presence.node.internal.transport.ApiReplies.text;

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
    private final ApiCallers callers;
    private final DisconnectEndpoint disconnects;

    PresenceApi(ApiQueries queries, ClientAddress clientAddress, Limits limits, UsernameLimit usernames,
                Admission admission, NodeMetrics metrics) {
        this.queries = queries;
        this.clientAddress = clientAddress;
        this.admission = new ApiAdmission(admission, clientAddress, metrics);
        this.maxNames = limits.maxRequestNames();
        this.maxCommands = limits.maxApiCommands();
        this.maxAnswerBytes = limits.maxApiAnswerBytes();
        this.usernames = usernames;
        this.callers = new ApiCallers(queries, clientAddress);
        this.disconnects = new DisconnectEndpoint(queries, callers, usernames);
    }

    void mount(Router router, long maxBody) {
        router.route(DEEPSTREAM_PATH + "*").handler(admission::admit);
        router.post(DEEPSTREAM_PATH).handler(BodyHandler.create(false).setBodyLimit(maxBody)).handler(this::deepstreamApi);
        router.get(PRESENCE_PATH + "/count").handler(ctx -> callers.asCaller(ctx, caller -> answer(ctx,
                queries.count(caller).map(n -> new JsonObject().put("count", n)), "QUERY_ALL")));
        router.get(PRESENCE_PATH + "/:user").handler(ctx -> callers.asCaller(ctx, caller -> {
            String user = ctx.pathParam("user");
            if (!usernames.fits(user)) {
                json(ctx, 400, error("user: " + usernames.rule()));
                return;
            }
            Optional<ApiQueries.UserAnswer> answer = queries.user(caller, user);
            if (answer.isEmpty()) {
                json(ctx, 403, error(ApiQueries.deniedMessage("QUERY")));
                return;
            }
            withRemembered(ctx, Map.of(user, answer.get().online()), remembered -> userJson(user, answer.get())
                    .put("lastSeen", remembered.lastSeen().get(user))
                    .put("data", jsonValue(remembered.data().get(user))));
        }));
        router.get(PRESENCE_PATH).handler(ctx -> callers.asCaller(ctx, caller -> onlineUsers(ctx, caller)));
        disconnects.mount(router, PRESENCE_PATH);
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
        callers.login(ctx, authData, caller -> answerCommands(ctx, caller, parsed), reason -> text(ctx, 401, reason));
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
            withRemembered(ctx, online.get(), remembered -> {
                JsonObject data = new JsonObject();
                remembered.data().forEach((name, json) -> data.put(name, jsonValue(json)));
                return new JsonObject()
                        .put("users", new JsonObject(new LinkedHashMap<String, Object>(online.get())))
                        .put("lastSeen", new JsonObject(new LinkedHashMap<String, Object>(remembered.lastSeen())))
                        .put("data", data);
            });
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

    /** Answers 200 with {@code body} made from what the cluster remembers of the users of {@code online}. */
    private void withRemembered(RoutingContext ctx, Map<String, Boolean> online,
                                Function<ApiQueries.Remembered, JsonObject> body) {
        Future.fromCompletionStage(queries.remembered(online), Vertx.currentContext())
                .onSuccess(remembered -> json(ctx, 200, body.apply(remembered)))
                .onFailure(failure -> json(ctx, 503, error("last-seen times and user data could not be read from the cluster; try again")));
    }

    /** Stored JSON text as the value it encodes, embedded rather than quoted (text that is not JSON as a string). */
    private static Object jsonValue(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.decodeValue(json);
        } catch (DecodeException e) {
            return json;
        }
    }

    private static JsonObject userJson(String user, ApiQueries.UserAnswer answer) {
        return new JsonObject()
                .put("user", user)
                .put("online", answer.online())
                .put("since", answer.sinceMillis());
    }
}
