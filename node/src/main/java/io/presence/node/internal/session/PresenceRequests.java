package io.presence.node.internal.session;

import io.presence.node.internal.access.Decision;
import io.presence.node.internal.access.PresenceAction;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.node.internal.access.Requester;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.OnlineSnapshot;
import io.presence.node.internal.presence.PresenceListener;
import io.presence.node.internal.presence.PresenceService;
import io.presence.protocol.JsonText;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PRESENCE topic of one logged-in session: subscriptions, queries and the notifications they
 * bring. Requests arrive on the connection's event loop, where queries are answered from this
 * node's view; acks and notifications go out from the presence thread, through the thread-safe
 * {@link Connection}.
 */
final class PresenceRequests implements PresenceListener {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceRequests.class);

    private final Connection connection;
    private final PresenceService presence;
    /** The logged-in user; null for an anonymous session, which never shows in presence. */
    private final String username;
    private final Requester requester;
    private final Supplier<PresencePermissions> permissions;
    private final SessionSettings settings;
    private final NodeMetrics metrics;
    private final ChangeNotifications notifications;

    PresenceRequests(Connection connection, PresenceService presence, String username, Requester requester,
                     Supplier<PresencePermissions> permissions, SessionSettings settings, ChangeNotifications notifications,
                     NodeMetrics metrics) {
        this.notifications = notifications;
        this.metrics = metrics;
        this.connection = connection;
        this.presence = presence;
        this.username = username;
        this.requester = requester;
        this.permissions = permissions;
        this.settings = settings;
    }

    void handle(PresenceMessage request) {
        String correlationId = request.correlationId();
        switch (request.action()) {
            case SUBSCRIBE_ALL -> {
                if (allowed(PresenceAction.SUBSCRIBE_ALL, Action.SUBSCRIBE_ALL, null, correlationId)) {
                    presence.subscribeAll(this).thenAccept(added -> {
                        if (!added) {
                            connection.send(PresenceMessage.aboutName(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE_ALL,
                                    correlationId, PresenceMessage.EVERYONE, false));
                        }
                        connection.send(PresenceMessage.ack(Action.SUBSCRIBE_ALL, correlationId));
                    });
                }
            }
            case UNSUBSCRIBE_ALL -> presence.unsubscribeAll(this).thenAccept(removed -> {
                if (!removed) {
                    connection.send(PresenceMessage.aboutName(Action.NOT_SUBSCRIBED, Action.UNSUBSCRIBE_ALL,
                            correlationId, PresenceMessage.EVERYONE, false));
                }
                connection.send(PresenceMessage.ack(Action.UNSUBSCRIBE_ALL, correlationId));
            });
            case SUBSCRIBE -> {
                if (validNames(request)) {
                    // as deepstream: denied names are reported one by one; the rest are served and
                    // acked, and a request with nothing left gets no ack
                    List<String> names = allowedNames(PresenceAction.SUBSCRIBE, request);
                    if (!names.isEmpty() && overNodeSubscriptionLimit(request, names.size())) {
                        return;
                    }
                    if (!names.isEmpty()) {
                        presence.subscribe(this, names, settings.limits().maxSubscriptions()).thenAccept(already -> {
                            if (already == null) {
                                overSubscriptionLimit(request);
                            } else {
                                warnThenAck(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE, correlationId, already);
                            }
                        });
                    }
                }
            }
            case UNSUBSCRIBE -> {
                if (validNames(request)) {
                    presence.unsubscribe(this, request.names()).thenAccept(missing ->
                            warnThenAck(Action.NOT_SUBSCRIBED, Action.UNSUBSCRIBE, correlationId, missing));
                }
            }
            case QUERY_ALL -> {
                if (allowed(PresenceAction.QUERY_ALL, Action.QUERY_ALL, null, correlationId)) {
                    long started = System.nanoTime();
                    int names = queryAll(correlationId);
                    metrics.queried(true, System.nanoTime() - started, names);
                }
            }
            case QUERY -> {
                long started = System.nanoTime();
                if (!withinNameLimit(request) || !namesFit(request)) {
                    return;
                }
                List<String> names = allowedNames(PresenceAction.QUERY, request);
                // a query of no names is answered (with nothing), as deepstream does; one whose
                // every name was denied has had its answers: one denial per name
                if (!names.isEmpty() || request.names().isEmpty()) {
                    connection.send(PresenceMessage.queryResponse(correlationId, JsonText.write(presence.areOnline(names))));
                    metrics.queried(false, System.nanoTime() - started, names.size());
                }
            }
            default -> connection.send(ParserMessage.error(ParserMessage.Action.UNKNOWN_ACTION,
                    "PRESENCE " + request.action() + " is not a request a client can make",
                    request.topic(), request.actionCode()));
        }
    }

    /**
     * Answered here, on the event loop, from this node's view: no hop, no cluster call. Under
     * rules that allow everyone everything, from the snapshot's names encoded once; otherwise
     * only the users this requester may query are listed.
     */
    private int queryAll(String correlationId) {
        OnlineSnapshot online = presence.online();
        PresencePermissions rules = permissions.get();
        if (rules.allowsEverything()) {
            int self = online.positionOf(username);
            connection.sendOnline(new OnlineAnswer(correlationId, online.id(), online.names(), self));
            return online.names().size() - (self < 0 ? 0 : 1);
        }
        List<String> visible = new ArrayList<>(rules.allowedOf(requester, PresenceAction.QUERY, online.names()));
        visible.remove(username);
        connection.send(PresenceMessage.queryAllResponse(correlationId, visible));
        return visible.size();
    }

    /** Whether the rules allow the request; if not, the client is told why (denied, or the rule failed). */
    private boolean allowed(PresenceAction action, Action original, String name, String correlationId) {
        Decision decision = permissions.get().check(requester, action, name);
        if (decision == Decision.ALLOWED) {
            return true;
        }
        if (decision instanceof Decision.Failed failed) {
            LOG.atWarn().log(() -> "permission rule failed for " + connection.describe() + ": " + failed.reason());
            connection.send(PresenceMessage.aboutName(Action.MESSAGE_PERMISSION_ERROR, original, correlationId, name, true));
        } else {
            connection.send(PresenceMessage.aboutName(Action.MESSAGE_DENIED, original, correlationId, name, true));
        }
        return false;
    }

    /** The names of a request the rules allow, each denied one reported to the client. */
    private List<String> allowedNames(PresenceAction action, PresenceMessage request) {
        if (permissions.get().allowsEverything()) {
            return request.names();
        }
        List<String> names = new ArrayList<>();
        for (String name : new LinkedHashSet<>(request.names())) {
            if (allowed(action, request.action(), name, request.correlationId())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The session ended: its subscriptions go (its hold on the user is the session's to release). */
    void closed() {
        presence.removeListener(this);
    }

    @Override
    public void presenceChanged(String name, boolean online, Scope scope, long decidedAt) {
        if (name.equals(username)) {
            // as with QUERY_ALL, a client is not told about itself (its own login can race its subscription)
            return;
        }
        if (scope == Scope.EVERYONE) {
            // a subscription to everyone hears of the users the rules let it subscribe to, no one else
            PresencePermissions rules = permissions.get();
            if (!rules.allowsEverything() && rules.check(requester, PresenceAction.SUBSCRIBE, name) != Decision.ALLOWED) {
                return;
            }
        }
        Action action = scope == Scope.EVERYONE
                ? (online ? Action.PRESENCE_JOIN_ALL : Action.PRESENCE_LEAVE_ALL)
                : (online ? Action.PRESENCE_JOIN : Action.PRESENCE_LEAVE);
        connection.sendNotification(notifications.of(action, name, decidedAt));
    }

    private boolean validNames(PresenceMessage request) {
        if (request.names().isEmpty()) {
            invalidUsers(request, "names must list at least one username");
            return false;
        }
        return withinNameLimit(request) && namesFit(request);
    }

    /** Every name of the request is a username; otherwise the client is told what one must be. */
    private boolean namesFit(PresenceMessage request) {
        for (String name : request.names()) {
            if (!settings.usernames().fits(name)) {
                metrics.limitHit(NodeMetrics.Limit.USERNAME_LENGTH);
                invalidUsers(request, settings.usernames().rule());
                return false;
            }
        }
        return true;
    }

    private boolean withinNameLimit(PresenceMessage request) {
        if (request.names().size() <= settings.limits().maxRequestNames()) {
            return true;
        }
        metrics.limitHit(NodeMetrics.Limit.REQUEST_NAMES);
        LOG.atWarn().log(() -> connection.describe() + " sent " + request.names().size() + " names in one "
                + request.action() + "; the limit is " + settings.limits().maxRequestNames());
        invalidUsers(request, "at most " + settings.limits().maxRequestNames() + " names per request; this one had "
                + request.names().size() + ": split it");
        return false;
    }

    /**
     * Whether the node's subscriptions, as last counted, would pass their limit: the heap they
     * take is the node's, whoever asks. Refuses the request if so.
     */
    private boolean overNodeSubscriptionLimit(PresenceMessage request, int adding) {
        if ((long) presence.subscriptionsNow() + adding <= settings.limits().maxNodeSubscriptions()) {
            return false;
        }
        metrics.limitHit(NodeMetrics.Limit.NODE_SUBSCRIPTIONS);
        LOG.atWarn().log(() -> "this node holds " + presence.subscriptionsNow() + " subscriptions; SUBSCRIBE of "
                + connection.describe() + " refused (max.node.subscriptions " + settings.limits().maxNodeSubscriptions() + ")");
        invalidUsers(request, "this node holds " + settings.limits().maxNodeSubscriptions()
                + " subscriptions, its limit; try again later or another node");
        return true;
    }

    private void overSubscriptionLimit(PresenceMessage request) {
        metrics.limitHit(NodeMetrics.Limit.SUBSCRIPTIONS);
        LOG.atWarn().log(() -> connection.describe() + " would be subscribed to more than "
                + settings.limits().maxSubscriptions() + " names; SUBSCRIBE refused");
        invalidUsers(request, "a connection may be subscribed to at most " + settings.limits().maxSubscriptions()
                + " names; unsubscribe from some first");
    }

    private void invalidUsers(PresenceMessage request, String reason) {
        connection.send(new PresenceMessage(Action.INVALID_PRESENCE_USERS, request.topic(), request.actionCode(),
                JsonText.quote(reason), request.correlationId(), true, false, null, List.of()));
    }

    private void warnThenAck(Action warning, Action original, String correlationId, List<String> names) {
        for (String name : names) {
            connection.send(PresenceMessage.aboutName(warning, original, correlationId, name, false));
        }
        connection.send(PresenceMessage.ack(original, correlationId));
    }

}
