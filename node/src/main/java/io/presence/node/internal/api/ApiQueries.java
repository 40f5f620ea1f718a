package io.presence.node.internal.api;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginRequest;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginData;
import io.presence.node.internal.access.Decision;
import io.presence.node.internal.access.PresenceAction;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.node.internal.access.Requester;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.DisconnectOrder;
import io.presence.node.internal.presence.Disconnects;
import io.presence.node.internal.presence.LastSeen;
import io.presence.node.internal.presence.OnlineSnapshot;
import io.presence.node.internal.presence.PresenceService;
import io.presence.node.internal.presence.UserData;
import io.presence.node.internal.presence.LastTransition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence questions asked over HTTP by backends: each request logs in with the same strategies
 * as a WebSocket client, is checked against the same presence rules, and is answered from this
 * node's view. An HTTP caller holds no session, so it is never online itself. Any thread.
 *
 * <p>Answers are {@link Optional#empty()} when the rules deny the question.
 */
public final class ApiQueries {

    private static final Logger LOG = LoggerFactory.getLogger(ApiQueries.class);

    /** Who asks: logged in, or refused with the strategy's reason. */
    public sealed interface Login {
        record Caller(Requester requester) implements Login {
        }

        record Refused(String reason) implements Login {
        }

        /** Not checked now (too many failed logins from its address); may try again after {@code retryAfterMillis}. */
        record Throttled(String reason, long retryAfterMillis) implements Login {
        }
    }

    /** One page of the users online, in name order; {@code last} is the final name when more follow. */
    public record Page(List<String> users, int total, String last) {
    }

    private final PresenceService presence;
    private final Authenticator authenticator;
    private final Supplier<PresencePermissions> permissions;
    private final NodeMetrics metrics;
    private final Disconnects disconnects;
    private final LastSeen lastSeen;
    private final UserData userData;

    public ApiQueries(PresenceService presence, Authenticator authenticator, Supplier<PresencePermissions> permissions,
                      Disconnects disconnects, LastSeen lastSeen, UserData userData, NodeMetrics metrics) {
        this.disconnects = disconnects;
        this.lastSeen = lastSeen;
        this.userData = userData;
        this.presence = presence;
        this.authenticator = authenticator;
        this.permissions = permissions;
        this.metrics = metrics;
    }

    /** Logs a request in: an empty {@code authData} is an anonymous login, as on a WebSocket. */
    public CompletionStage<Login> login(Map<String, Object> authData, String authJson, String remoteAddress,
                                        Map<String, String> headers) {
        CompletionStage<LoginOutcome> decision;
        try {
            decision = authenticator.authenticate(new LoginRequest(authData, authJson, remoteAddress, headers));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return decision.thenApply(outcome -> {
            if (outcome instanceof LoginOutcome.Accepted accepted) {
                return new Login.Caller(LoginData.requester(accepted.username(), accepted.serverData()));
            }
            metrics.loginRefused(outcome.refusal());
            if (outcome instanceof LoginOutcome.Throttled throttled) {
                return new Login.Throttled(throttled.reason(), throttled.retryAfterMillis());
            }
            String reason = outcome.refusalData();
            return new Login.Refused(reason == null ? "Unsuccessful authentication attempt." : reason);
        });
    }

    /** Everyone online whom the caller may see, in no particular order. */
    public Optional<List<String>> everyone(Login.Caller caller) {
        long started = System.nanoTime();
        if (!allowed(caller, PresenceAction.QUERY_ALL, null)) {
            return Optional.empty();
        }
        List<String> visible = permissions.get().allowedOf(caller.requester(), PresenceAction.QUERY, presence.online().names());
        metrics.queried(true, System.nanoTime() - started, visible.size());
        return Optional.of(visible);
    }

    /** How many users online the caller may see. */
    public Optional<Integer> count(Login.Caller caller) {
        if (!allowed(caller, PresenceAction.QUERY_ALL, null)) {
            return Optional.empty();
        }
        OnlineSnapshot online = presence.online();
        return Optional.of(permissions.get().allowedOf(caller.requester(), PresenceAction.QUERY, online.names()).size());
    }

    /**
     * Up to {@code limit} users online after {@code after} (null: from the start), in name order:
     * a name online throughout a walk through the pages is on exactly one of them.
     */
    public Optional<Page> page(Login.Caller caller, int limit, String after) {
        long started = System.nanoTime();
        if (!allowed(caller, PresenceAction.QUERY_ALL, null)) {
            return Optional.empty();
        }
        List<String> names = permissions.get().allowedOf(caller.requester(), PresenceAction.QUERY, presence.online().sortedNames());
        int from = 0;
        if (after != null) {
            int at = Collections.binarySearch(names, after);
            from = at >= 0 ? at + 1 : -at - 1;
        }
        int to = Math.min(names.size(), from + limit);
        List<String> users = List.copyOf(names.subList(from, to));
        metrics.queried(true, System.nanoTime() - started, users.size());
        return Optional.of(new Page(users, names.size(), to < names.size() ? users.get(users.size() - 1) : null));
    }

    /** Whether each name is online; denied as a whole when the rules deny any one of them. */
    public Optional<Map<String, Boolean>> areOnline(Login.Caller caller, List<String> names) {
        long started = System.nanoTime();
        for (String name : new LinkedHashSet<>(names)) {
            if (!allowed(caller, PresenceAction.QUERY, name)) {
                return Optional.empty();
            }
        }
        Map<String, Boolean> answer = presence.areOnline(names);
        metrics.queried(false, System.nanoTime() - started, answer.size());
        return Optional.of(answer);
    }

    /**
     * One user: online or not, and since when (milliseconds since the epoch; null when this node
     * remembers nothing of the user: never seen, or offline for longer than leaves are kept).
     */
    public record UserAnswer(boolean online, Long sinceMillis) {
    }

    public Optional<UserAnswer> user(Login.Caller caller, String name) {
        if (!allowed(caller, PresenceAction.QUERY, name)) {
            return Optional.empty();
        }
        LastTransition last = presence.lastTransition(name);
        return Optional.of(last == null ? new UserAnswer(false, null) : new UserAnswer(last.online(), last.atMillis()));
    }

    /**
     * What the cluster remembers of users beside whether they are online: {@code lastSeen}, when
     * each offline one last went offline (epoch ms; a user online now has none), and {@code data},
     * who each one is as their latest login with data said (JSON text). Either leaves out the
     * users it knows nothing of.
     */
    public record Remembered(Map<String, Long> lastSeen, Map<String, String> data) {
    }

    /**
     * What the cluster remembers of each user of {@code answer} (of {@link #areOnline} or
     * {@link #user}, so already allowed); both are asked at once.
     */
    public CompletionStage<Remembered> remembered(Map<String, Boolean> answer) {
        List<String> offline = new ArrayList<>();
        answer.forEach((name, online) -> {
            if (!online) {
                offline.add(name);
            }
        });
        CompletionStage<Map<String, String>> data = userData.of(answer.keySet());
        return lastSeen.of(offline).thenCombine(data, Remembered::new);
    }

    /**
     * Closes every connection of {@code name} on every node, when the {@code disconnect} rules let
     * the caller; refuses the user's logins for {@code refuseMillis} after it (0: not at all).
     * Completes once the cluster recorded the order; empty when the rules deny it.
     */
    public CompletionStage<Optional<Disconnected>> disconnect(Login.Caller caller, String name, String reason,
                                                                 long refuseMillis) {
        if (!allowed(caller, PresenceAction.DISCONNECT, name)) {
            LOG.atInfo().log(() -> describe(caller) + " may not disconnect '" + name + "': refused");
            return CompletableFuture.completedFuture(Optional.empty());
        }
        DisconnectOrder order = new DisconnectOrder(name, reason, describe(caller),
                refuseMillis > 0 ? System.currentTimeMillis() + refuseMillis : 0);
        LOG.atInfo().log(() -> order.by() + " disconnects '" + name + "' (" + reason + ")"
                + (refuseMillis > 0 ? ", refusing its logins for " + refuseMillis + " ms" : ""));
        return disconnects.order(order).thenApply(recorded -> Optional.of(new Disconnected(reason, order.refuseUntilMillis())));
    }

    /** A disconnect order given: its reason, and until when (epoch ms) logins are refused, 0 for not. */
    public record Disconnected(String reason, long refusedUntilMillis) {
    }

    private static String describe(Login.Caller caller) {
        return caller.requester().id() == null ? "an anonymous caller" : "'" + caller.requester().id() + "'";
    }

    private boolean allowed(Login.Caller caller, PresenceAction action, String name) {
        return permissions.get().check(caller.requester(), action, name) == Decision.ALLOWED;
    }


    /** deepstream's words for a denied request, so that existing callers recognise it. */
    public static String deniedMessage(String action) {
        return "Message denied. Action \"" + action + "\" is not permitted.";
    }
}
