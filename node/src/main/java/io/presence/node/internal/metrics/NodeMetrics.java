package io.presence.node.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presence.protocol.Message;

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
        CONNECTIONS, CONNECTIONS_PER_ADDRESS, PENDING_LOGINS, MESSAGE_RATE, SUBSCRIPTIONS, NODE_SUBSCRIPTIONS, REQUEST_NAMES, USERNAME_LENGTH, SEND_BACKLOG;

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
        /** Not checked: too many failed logins from its address lately, or too many being checked. */
        THROTTLED,
        /** No successful login within the login deadline. */
        TIMEOUT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> openByEndpoint = new ConcurrentHashMap<>();
    private final MessageCounters messages;
    private final Counter loginsNamed;
    private final Counter loginsAnonymous;
    private final LabelledCounters<Refusal> refusals;
    private final LabelledCounters<Limit> limitHits;
    private final Counter logouts;
    private final Timer queryAll;
    private final Timer queryNames;
    private final DistributionSummary answerNames;
    private final Timer notificationLag;
    private final Counter roundsOk;
    private final Counter roundsFailed;
    private final LabelledCounters<String> repairs;
    private final Counter transitionsOnline;
    private final Counter transitionsOffline;
    private final LabelledCounters<String> webhookEvents;
    private final LabelledCounters<String> webhookPosts;

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        loginsNamed = login("named");
        loginsAnonymous = login("anonymous");
        logouts = Counter.builder("presence.logouts")
                .description("Sessions that had logged in and closed, for any reason")
                .register(registry);
        messages = new MessageCounters(registry);
        refusals = new LabelledCounters<>(registry, why -> Counter.builder("presence.logins.refused")
                .description("Logins that did not succeed, by reason")
                .tag("reason", why.label()));
        limitHits = new LabelledCounters<>(registry, limit -> Counter.builder("presence.limit.hits")
                .description("Requests or connections refused, or clients dropped, by the limit they hit "
                        + "(send_backlog: a client that stopped reading)")
                .tag("limit", limit.label()));
        repairs = new LabelledCounters<>(registry, kind -> Counter.builder("presence.reconciliation.repairs")
                .description("What reconciliation repaired: users held only by members that left (departed), holds the "
                        + "cluster lost (held_again), holds without a session (released), changes this node missed "
                        + "(caught_up), notifications delivered late (corrected)")
                .tag("kind", kind));
        webhookEvents = new LabelledCounters<>(registry, result -> Counter.builder("presence.webhook.events")
                .description("Webhook events this node sent and every receiver took (delivered), or gave up on after "
                        + "retrying or because its queue was full (dropped)")
                .tag("result", result));
        webhookPosts = new LabelledCounters<>(registry, result -> Counter.builder("presence.webhook.posts")
                .description("POSTs of webhook batches: answered 2xx in time (ok), or not (failed, retried with backoff)")
                .tag("result", result));
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
        // "cluster" in the name: every node counts the same transitions, so sum() over nodes is wrong
        return Counter.builder("presence.cluster.transitions")
                .description("Cluster-wide logins (a user's first session anywhere) and logouts (its last), as this node "
                        + "saw them: the same on every node (take one node's, or max, never the sum)")
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
        messages.received(message);
    }

    /** A message was written to a client: errors and notifications are counted. */
    public void sent(Message message) {
        messages.sent(message);
    }

    /**
     * A notification decided at {@code decidedAtMillis} (wall clock; 0: not known) was written to
     * {@code count} connections at about the same moment: counted {@code count} times, its lag
     * timed once.
     */
    public void notificationWritten(Message notification, int count, long decidedAtMillis) {
        messages.sent(notification, count);
        if (decidedAtMillis > 0) {
            notificationLag.record(Math.max(0, System.currentTimeMillis() - decidedAtMillis), TimeUnit.MILLISECONDS);
        }
    }

    public void slowReaderDropped() {
        limitHit(Limit.SEND_BACKLOG);
    }

    public void limitHit(Limit limit) {
        limitHits.increment(limit, 1);
    }

    // --- sessions --------------------------------------------------------------------------

    public void loggedIn(boolean anonymous) {
        (anonymous ? loginsAnonymous : loginsNamed).increment();
    }

    public void loginRefused(Refusal why) {
        refusals.increment(why, 1);
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
            repairs.increment(kind, count);
        }
    }

    // --- webhooks --------------------------------------------------------------------------

    /** Webhook events that left this node's hands: {@code delivered}, or {@code dropped} (retries over, queue full). */
    public void webhookEvents(String result, int count) {
        webhookEvents.increment(result, count);
    }

    /** POSTs of webhook batches, by whether the receiver took them (a 2xx answer in time). */
    public void webhookPosts(int ok, int failed) {
        if (ok > 0) {
            webhookPosts.increment("ok", ok);
        }
        if (failed > 0) {
            webhookPosts.increment("failed", failed);
        }
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

    /**
     * Users with a session on this node (their sum over nodes counts a user on two nodes twice),
     * and users online anywhere in the cluster (the same on every node): two metrics, so that no
     * query sums one with the other.
     */
    public void watchUsersOnline(IntSupplier onThisNode, IntSupplier inCluster) {
        Gauge.builder("presence.users.here", onThisNode::getAsInt)
                .description("Users with a session on this node")
                .register(registry);
        Gauge.builder("presence.cluster.users.online", inCluster::getAsInt)
                .description("Users online anywhere in the cluster, as this node sees it: the same on every node "
                        + "(take one node's, or max, never the sum)")
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
