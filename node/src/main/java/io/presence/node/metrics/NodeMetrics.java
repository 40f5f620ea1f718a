package io.presence.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Every figure this node reports about itself, named and described in this one place. Names
 * follow Micrometer's dotted form; the Prometheus registry writes them with underscores, the base
 * unit and {@code _total} for counters ({@code presence.logins} → {@code presence_logins_total}).
 * Thread-safe; the counters of the hot path are looked up once and kept.
 */
public final class NodeMetrics {

    /** The limits whose hits are counted. */
    public enum Limit {
        CONNECTIONS, CONNECTIONS_PER_ADDRESS, PENDING_LOGINS, MESSAGE_RATE, SUBSCRIPTIONS, REQUEST_NAMES, SEND_BACKLOG;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a login did not succeed. */
    public enum Refusal {
        /** The strategies refused the credentials. */
        REFUSED,
        /** The auth data was not usable at all. */
        MALFORMED,
        /** The strategies could not decide (an error, not an answer). */
        UNDECIDED,
        /** No successful login within the login deadline. */
        TIMEOUT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> openByEndpoint = new ConcurrentHashMap<>();
    private final Map<Long, Counter> receivedByAction = new ConcurrentHashMap<>();
    private final Map<Long, Counter> errorsByAction = new ConcurrentHashMap<>();
    private final Counter[] eventsSent = new Counter[4];
    private final Counter loginsNamed;
    private final Counter loginsAnonymous;
    private final Map<Refusal, Counter> refusals = new ConcurrentHashMap<>();
    private final Map<Limit, Counter> limitHits = new ConcurrentHashMap<>();
    private final Counter logouts;
    private final Timer queryAll;
    private final Timer queryNames;
    private final DistributionSummary answerNames;
    private final Timer notificationLag;
    private final Counter roundsOk;
    private final Counter roundsFailed;
    private final Map<String, Counter> repairs = new ConcurrentHashMap<>();
    private final Counter transitionsOnline;
    private final Counter transitionsOffline;
    private final Map<String, Counter> webhookEvents = new ConcurrentHashMap<>();
    private final Map<String, Counter> webhookPosts = new ConcurrentHashMap<>();

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        loginsNamed = login("named");
        loginsAnonymous = login("anonymous");
        logouts = Counter.builder("presence.logouts")
                .description("Sessions that had logged in and closed, for any reason")
                .register(registry);
        Object[][] events = {
                {PresenceMessage.Action.PRESENCE_JOIN, "named"}, {PresenceMessage.Action.PRESENCE_JOIN_ALL, "everyone"},
                {PresenceMessage.Action.PRESENCE_LEAVE, "named"}, {PresenceMessage.Action.PRESENCE_LEAVE_ALL, "everyone"}};
        for (int i = 0; i < events.length; i++) {
            PresenceMessage.Action action = (PresenceMessage.Action) events[i][0];
            eventsSent[i] = Counter.builder("presence.events.sent")
                    .description("Login and logout notifications written to subscribers, by kind and subscription")
                    .tags("event", action.name().startsWith("PRESENCE_JOIN") ? "online" : "offline",
                            "subscription", (String) events[i][1])
                    .register(registry);
        }
        queryAll = query("all");
        queryNames = query("names");
        answerNames = DistributionSummary.builder("presence.query.answer")
                .description("How many names a query's answer held")
                .baseUnit("names")
                .publishPercentileHistogram()
                .maximumExpectedValue(1_000_000.0)
                .register(registry);
        notificationLag = Timer.builder("presence.notification.lag")
                .description("From a login or logout being decided in the cluster to its notification being written "
                        + "to a subscriber's connection (wall clocks of two nodes when decided elsewhere)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        roundsOk = round("ok");
        roundsFailed = round("failed");
        transitionsOnline = transition("online");
        transitionsOffline = transition("offline");
    }

    /** Figures kept in memory only: for tests and embedded uses that scrape nothing. */
    public static NodeMetrics detached() {
        return new NodeMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    private Counter login(String kind) {
        return Counter.builder("presence.logins")
                .description("Successful logins, anonymous (no username, never in presence) or named")
                .tag("kind", kind)
                .register(registry);
    }

    private Timer query(String kind) {
        return Timer.builder("presence.query.duration")
                .description("From a query arriving to its answer being handed to the connection: getAll() of everyone "
                        + "(all) or of given names (names)")
                .tag("kind", kind)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    private Counter round(String result) {
        return Counter.builder("presence.reconciliation.rounds")
                .description("Reconciliation rounds, which bring this node's holds and view in line with the cluster")
                .tag("result", result)
                .register(registry);
    }

    private Counter transition(String to) {
        return Counter.builder("presence.transitions")
                .description("Cluster-wide logins (a user's first session anywhere) and logouts (its last), as this node saw them")
                .tag("to", to)
                .register(registry);
    }

    // --- transport -------------------------------------------------------------------------

    /** A WebSocket connection was accepted on an endpoint ("binary" or "json"). */
    public void connectionOpened(String endpoint) {
        openConnections(endpoint).incrementAndGet();
    }

    public void connectionClosed(String endpoint) {
        openConnections(endpoint).decrementAndGet();
    }

    private AtomicInteger openConnections(String endpoint) {
        return openByEndpoint.computeIfAbsent(endpoint, e -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder("presence.connections.open", open, AtomicInteger::get)
                    .description("Client WebSocket connections open on this node, by endpoint")
                    .tag("endpoint", e)
                    .register(registry);
            return open;
        });
    }

    /** A client's message was decoded. */
    public void received(Message message) {
        long key = key(message);
        Counter counter = receivedByAction.get(key);
        if (counter == null) {
            counter = receivedByAction.computeIfAbsent(key, k -> Counter.builder("presence.messages.received")
                    .description("Messages received from clients, by topic and action")
                    .tags("topic", message.topic().name(), "action", actionName(message))
                    .register(registry));
        }
        counter.increment();
    }

    /** A message was written to a client: errors and notifications are counted. */
    public void sent(Message message) {
        if (message instanceof PresenceMessage p) {
            switch (p.action()) {
                case PRESENCE_JOIN -> eventsSent[0].increment();
                case PRESENCE_JOIN_ALL -> eventsSent[1].increment();
                case PRESENCE_LEAVE -> eventsSent[2].increment();
                case PRESENCE_LEAVE_ALL -> eventsSent[3].increment();
                default -> countIfError(message);
            }
        } else {
            countIfError(message);
        }
    }

    private void countIfError(Message message) {
        if (!isError(message)) {
            return;
        }
        errorsByAction.computeIfAbsent(key(message), k -> Counter.builder("presence.errors.sent")
                .description("Errors sent to clients, by topic and kind")
                .tags("topic", message.topic().name(), "error", actionName(message))
                .register(registry)).increment();
    }

    /** deepstream's error actions: every PARSER message, ERROR, and codes from 100 up. */
    private static boolean isError(Message message) {
        if (message instanceof ParserMessage || message instanceof AuthMessage a && a.action() == AuthMessage.Action.AUTH_UNSUCCESSFUL) {
            return true;
        }
        return message.actionCode() == 1 || message.actionCode() >= 100;
    }

    private static long key(Message message) {
        return ((long) message.topic().code() << 32) | (message.actionCode() & 0xffffffffL);
    }

    private static String actionName(Message message) {
        if (message instanceof PresenceMessage p) {
            return p.action().name();
        }
        if (message instanceof ConnectionMessage c) {
            return c.action().name();
        }
        if (message instanceof AuthMessage a) {
            return a.action().name();
        }
        return ((ParserMessage) message).action().name();
    }

    /** A notification decided at {@code decidedAtMillis} (wall clock; 0: not known) was written. */
    public void notificationWritten(long decidedAtMillis) {
        if (decidedAtMillis > 0) {
            notificationLag.record(Math.max(0, System.currentTimeMillis() - decidedAtMillis), TimeUnit.MILLISECONDS);
        }
    }

    public void slowReaderDropped() {
        limitHit(Limit.SEND_BACKLOG);
    }

    public void limitHit(Limit limit) {
        limitHits.computeIfAbsent(limit, l -> Counter.builder("presence.limit.hits")
                .description("Requests or connections refused, or clients dropped, by the limit they hit "
                        + "(send_backlog: a client that stopped reading)")
                .tag("limit", l.label())
                .register(registry)).increment();
    }

    // --- sessions --------------------------------------------------------------------------

    public void loggedIn(boolean anonymous) {
        (anonymous ? loginsAnonymous : loginsNamed).increment();
    }

    public void loginRefused(Refusal why) {
        refusals.computeIfAbsent(why, w -> Counter.builder("presence.logins.refused")
                .description("Logins that did not succeed, by reason")
                .tag("reason", w.label())
                .register(registry)).increment();
    }

    public void loggedOut() {
        logouts.increment();
    }

    /** A query answered after {@code nanos}, with {@code names} names in its answer. */
    public void queried(boolean all, long nanos, int names) {
        (all ? queryAll : queryNames).record(nanos, TimeUnit.NANOSECONDS);
        answerNames.record(names);
    }

    // --- presence --------------------------------------------------------------------------

    /** A cluster-wide transition reached this node's view. */
    public void transition(boolean online) {
        (online ? transitionsOnline : transitionsOffline).increment();
    }

    public void reconciliationRound(boolean ok) {
        (ok ? roundsOk : roundsFailed).increment();
    }

    /**
     * Reconciliation repaired {@code count} things of one kind: {@code departed}, {@code held_again},
     * {@code released}, {@code caught_up}, {@code corrected}.
     */
    public void repaired(String kind, int count) {
        if (count > 0) {
            repairs.computeIfAbsent(kind, k -> Counter.builder("presence.reconciliation.repairs")
                    .description("What reconciliation repaired: users held only by members that left (departed), holds the "
                            + "cluster lost (held_again), holds without a session (released), changes this node missed "
                            + "(caught_up), notifications delivered late (corrected)")
                    .tag("kind", k)
                    .register(registry)).increment(count);
        }
    }

    // --- webhooks --------------------------------------------------------------------------

    /** Webhook events that left this node's hands: {@code delivered}, or {@code dropped} (retries over, queue full). */
    public void webhookEvents(String result, int count) {
        webhookEvents.computeIfAbsent(result, r -> Counter.builder("presence.webhook.events")
                .description("Webhook events this node sent and every receiver took (delivered), or gave up on after "
                        + "retrying or because its queue was full (dropped)")
                .tag("result", r)
                .register(registry)).increment(count);
    }

    /** POSTs of webhook batches, by whether the receiver took them (a 2xx answer in time). */
    public void webhookPosts(int ok, int failed) {
        if (ok > 0) {
            webhookPost("ok").increment(ok);
        }
        if (failed > 0) {
            webhookPost("failed").increment(failed);
        }
    }

    private Counter webhookPost(String result) {
        return webhookPosts.computeIfAbsent(result, r -> Counter.builder("presence.webhook.posts")
                .description("POSTs of webhook batches: answered 2xx in time (ok), or not (failed, retried with backoff)")
                .tag("result", r)
                .register(registry));
    }

    public void watchWebhookQueue(IntSupplier queued) {
        Gauge.builder("presence.webhook.queued", queued::getAsInt)
                .description("Webhook events waiting on this node to be sent")
                .register(registry);
    }

    // --- figures read when scraped ---------------------------------------------------------

    /** Sessions on this node by state: logged in with a name, anonymously, or not logged in yet. */
    public void watchSessions(IntSupplier named, IntSupplier anonymous, IntSupplier awaitingLogin) {
        sessions("named", named);
        sessions("anonymous", anonymous);
        sessions("awaiting_login", awaitingLogin);
    }

    private void sessions(String state, IntSupplier count) {
        Gauge.builder("presence.sessions", count::getAsInt)
                .description("Client sessions on this node by state")
                .tag("state", state)
                .register(registry);
    }

    /** Users with a session on this node, and users online anywhere in the cluster. */
    public void watchUsersOnline(IntSupplier onThisNode, IntSupplier inCluster) {
        Gauge.builder("presence.users.online", onThisNode::getAsInt)
                .description("Users online: with a session on this node (node), or anywhere in the cluster (cluster)")
                .tags(Tags.of("scope", "node"))
                .register(registry);
        Gauge.builder("presence.users.online", inCluster::getAsInt)
                .description("Users online: with a session on this node (node), or anywhere in the cluster (cluster)")
                .tags(Tags.of("scope", "cluster"))
                .register(registry);
    }

    public void watchSubscriptions(IntSupplier count) {
        Gauge.builder("presence.subscriptions", count::getAsInt)
                .description("Presence subscriptions held by this node's clients: one per client to everyone, one per client and name")
                .register(registry);
    }

    public void watchClusterMembers(IntSupplier count) {
        Gauge.builder("presence.cluster.members", count::getAsInt)
                .description("Members of the cluster as this node sees them, itself included")
                .register(registry);
    }
}
