package io.presence.node;

import com.hazelcast.core.HazelcastInstance;
import io.presence.node.internal.access.PermissionsException;
import io.presence.node.internal.access.PermissionsFile;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.node.internal.auth.Authentication;
import io.presence.node.internal.cluster.ClusterAdapter;
import io.presence.node.internal.cluster.HazelcastMember;
import io.presence.node.config.ClusterMode;
import io.presence.node.config.ConfigException;
import io.presence.node.config.Limits;
import io.presence.node.config.NodeConfig;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.presence.Disconnects;
import io.presence.node.internal.presence.PresenceService;
import io.presence.node.internal.api.ApiQueries;
import io.presence.node.internal.session.CloseCode;
import io.presence.node.internal.session.SessionFactory;
import io.presence.node.internal.session.SessionRegistry;
import io.presence.node.internal.session.SessionSettings;
import io.presence.node.internal.login.UsernameLimit;
import io.presence.node.internal.transport.Admission;
import io.presence.node.internal.transport.ConnectionAcceptor;
import io.presence.node.internal.transport.NodeOperations;
import io.presence.node.internal.transport.TransportVerticle;
import io.presence.node.internal.webhook.VertxWebhookPoster;
import io.presence.node.internal.webhook.WebhookSender;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One presence node: a Vert.x HTTP/WebSocket server on a Hazelcast member of its own (embedded
 * mode) or on a Hazelcast client of data members (client mode). Embeddable: tests and benchmarks
 * start real nodes in-process. The only class that sees every concrete part.
 */
public final class PresenceNode implements AutoCloseable, NodeOperations {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceNode.class);
    /** How often the users and permissions files are checked for changes. */
    static final long FILE_CHECK_MILLIS = 2_000;
    /** How often this member publishes its figures to the others (the live page's member list). */
    static final long FIGURES_MILLIS = 1_000;

    private final NodeConfig config;
    private final Instrumentation instrumentation = new Instrumentation();
    private final Vertx vertx = instrumentation.vertx();
    /** The thread the presence rules run on, and the webhook sender's: event-loop contexts of their own. */
    private final ContextExecutor presenceThread = ContextExecutor.ownContext(vertx);
    private final ContextExecutor webhookThread = ContextExecutor.ownContext(vertx);
    private final NodeMetrics metrics = instrumentation.metrics();
    private final Drain drain;
    private NodeStatus status;
    private WebhookSender webhooks;
    private final SessionRegistry sessions = new SessionRegistry();
    private volatile boolean serving;
    /** The node's port, once the transport is deployed. */
    private volatile ConnectionAcceptor acceptor;
    private volatile HazelcastInstance hazelcast;
    private ClusterAdapter cluster;
    private PresenceService presence;
    private Disconnects disconnects;
    /** The one bound on usernames, wherever one is given: logins, requests and the HTTP API. */
    private final UsernameLimit usernames;
    private Authentication authentication;
    private Supplier<PresencePermissions> permissions;
    private PermissionsFile permissionsFile;
    private String deploymentId;

    private PresenceNode(NodeConfig config) {
        this.config = config;
        this.usernames = new UsernameLimit(config.maxUsernameLength());
        this.drain = new Drain(vertx, config.operations().drainDelayMillis());
    }

    public static PresenceNode create(NodeConfig config) {
        return new PresenceNode(config);
    }

    /**
     * Reads its login strategies and permissions (a file that cannot be used fails the start before
     * the node joins anything), joins the cluster, then opens the endpoints; completes when the
     * node serves.
     */
    public Future<PresenceNode> start() {
        return vertx.executeBlocking(() -> {
                    authentication = new Authentication(config.auth(), usernames, vertx);
                    if (config.permissionsFile().isPresent()) {
                        try {
                            permissionsFile = new PermissionsFile(Path.of(config.permissionsFile().get()));
                        } catch (PermissionsException e) {
                            throw new ConfigException(e.problems().stream().map(p -> "permissions.file: " + p).toList());
                        }
                        permissions = permissionsFile::current;
                    } else {
                        PresencePermissions everyone = PresencePermissions.allowAll();
                        permissions = () -> everyone;
                    }
                    hazelcast = HazelcastMember.startForNode(config);
                    return new ClusterAdapter(hazelcast, config.clusterMode() == ClusterMode.CLIENT,
                            config.logoutGraceMillis(), config.webhooks().enabled(), config.lastSeen().enabled(),
                            config.lastSeen().enabled() ? config.userDataMaxBytes() : 0, presenceThread);
                }, false)
                .compose(adapter -> {
                    cluster = adapter;
                    presence = new PresenceService(cluster.presence(), cluster.repair(), presenceThread,
                            config.logoutGraceMillis(), config.reconcileMillis(), metrics);
                    metrics.watchSessions(sessions::loggedInNamed, sessions::loggedInAnonymous, sessions::awaitingLogin);
                    metrics.watchUsersOnline(presence::usersHere, () -> presence.online().names().size());
                    metrics.watchSubscriptions(presence::subscriptionsNow);
                    metrics.watchClusterMembers(cluster::memberCount);
                    if (config.webhooks().enabled()) {
                        webhooks = new WebhookSender(webhookThread, System::currentTimeMillis,
                                new VertxWebhookPoster(vertx, config.webhooks().timeoutMillis()), config.webhooks(),
                                cluster.webhookOutbox(), cluster.userData()::of, metrics);
                        webhooks.start();
                    }
                    disconnects = new Disconnects(cluster.disconnects(), System::currentTimeMillis);
                    disconnects.onOrder(sessions::disconnect);
                    // the view of who is online is filled from the map before the first client asks,
                    // and standing refusals of logins are known before the first login
                    return Future.fromCompletionStage(presence.start().thenCompose(v -> disconnects.start()));
                })
                .compose(filled -> {
                    Limits limits = config.limits();
                    SessionFactory sessionFactory = new SessionFactory(presence, authentication.authenticator(),
                            new SessionSettings(config.authTimeoutMillis(), config.clientTimeoutMillis(), config.maxAuthAttempts(),
                                    limits, usernames),
                            ContextExecutor::monotonicMillis, sessions, permissions, disconnects, cluster.userData(), metrics);
                    Admission admission = new Admission(limits, sessions::awaitingLogin);
                    ApiQueries api = new ApiQueries(presence, authentication.authenticator(), permissions, disconnects,
                            cluster.lastSeen(), cluster.userData(), metrics);
                    acceptor = new ConnectionAcceptor(vertx, config.host(), config.port());
                    return vertx.deployVerticle(() -> new TransportVerticle(config, sessionFactory, api, usernames, this,
                                    () -> serving, admission, acceptor, metrics),
                            new DeploymentOptions().setInstances(config.transportInstances()));
                })
                .map(id -> {
                    deploymentId = id;
                    long sweep = Math.max(10, Math.min(config.clientTimeoutMillis(), config.authTimeoutMillis()) / SessionSettings.SWEEPS_PER_TIMEOUT);
                    vertx.setPeriodic(sweep, t -> sessions.checkDeadlines(ContextExecutor.monotonicMillis()));
                    vertx.setPeriodic(FILE_CHECK_MILLIS, t -> vertx.executeBlocking(this::reloadChangedFiles, false));
                    status = new NodeStatus(config.host() + ":" + port(), config.jsonPath(), sessions, presence,
                            cluster.directory(), this::readiness, sessions::size);
                    vertx.setPeriodic(1, FIGURES_MILLIS, t -> {
                        if (serving || drain.active()) {
                            status.publishOwnFigures();
                        }
                    });
                    serving = true;
                    LOG.atInfo().log(() -> "settings: " + config.summary());
                    LOG.atInfo().log(() -> "presence node serving on " + config.host() + ":" + port()
                            + " as " + cluster.identity()
                            + " (" + cluster.memberCount() + " members; auth " + config.auth().strategies()
                            + (config.permissionsFile().isPresent() ? "; permissions " + config.permissionsFile().get() : "")
                            + (config.transportSecurity().tlsEnabled() ? "; TLS" : "")
                            + (vertx.isNativeTransportEnabled() ? "; epoll" : "; NIO") + ")");
                    return this;
                })
                .recover(failure -> {
                    // e.g. the port is taken: leave no member behind in the cluster, no event loops running
                    LOG.error("node failed to start: " + failure);
                    crash(); // on a thread of its own; it closes the event loops this future runs on
                    return Future.failedFuture(failure);
                });
    }

    /** Users and permissions files are read again when they change, without a restart. */
    private Void reloadChangedFiles() {
        authentication.reloadIfChanged();
        if (permissionsFile != null) {
            permissionsFile.reloadIfChanged();
        }
        return null;
    }

    /** Serving and a running cluster member: what the health check reports. */
    @Override
    public boolean healthy() {
        // serving is written after cluster, so reading it first makes cluster visible
        return serving && cluster.seesAtLeast(config.minClusterSize());
    }

    /**
     * Ready for new clients: serving, not draining, and seeing at least min.cluster.size members.
     */
    @Override
    public Readiness readiness() {
        if (drain.active()) {
            return new Readiness(false, "draining");
        }
        if (!serving) {
            return new Readiness(false, "starting");
        }
        if (!cluster.seesAtLeast(config.minClusterSize())) {
            return new Readiness(false, "sees " + cluster.memberCount() + " members, fewer than min.cluster.size "
                    + config.minClusterSize());
        }
        return new Readiness(true, "ready");
    }

    @Override
    public String scrape() {
        return instrumentation.scrape();
    }

    @Override
    public CompletionStage<String> status() {
        return status.clusterStatus();
    }

    @Override
    public CompletionStage<Void> drain() {
        return drain.begin();
    }

    @Override
    public boolean resume() {
        return drain.end();
    }

    /** The node's figures, for embedding and tests. */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** The HTTP/WebSocket port bound. */
    public int port() {
        return acceptor == null || acceptor.port() == 0 ? config.port() : acceptor.port();
    }

    public NodeConfig config() {
        return config;
    }

    /** How many client connections are open on this node. */
    public int connectionCount() {
        return sessions.size();
    }

    /** How many presence subscriptions this node's clients hold (to everyone, and per name). */
    public int subscriptionCount() {
        return await(presence.subscriptionCount(), 10);
    }

    /** The embedded member, for tests and operational tooling. */
    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /**
     * Graceful stop: stop serving, close every client with a close frame, wait until the cluster
     * has recorded their logouts, then leave the cluster and stop the event loops. Runs on a thread
     * of its own: the last step closes the event loops that Vert.x futures would complete on.
     */
    public CompletableFuture<Void> stop() {
        return CompletableFuture.runAsync(this::stopNow, PresenceNode::stopperThread);
    }

    private void stopNow() {
        drain.stopping();
        if (serving) {
            try {
                await(drain(), (int) (config.operations().drainDelayMillis() / 1000) + 10);
            } catch (RuntimeException e) {
                LOG.warn("drain did not finish: {}", e.toString());
            }
        }
        serving = false;
        sessions.closeAll(CloseCode.GOING_AWAY, "node stopping");
        try {
            if (deploymentId != null) {
                await(vertx.undeploy(deploymentId).toCompletionStage(), 10);
            }
            if (presence != null) {
                try {
                    await(presence.releaseAll(), 10);
                } catch (RuntimeException e) {
                    LOG.warn("logouts not all recorded before stop: " + e);
                }
            }
            if (webhooks != null) {
                // what it has not delivered stays in the cluster; a survivor takes it over
                webhooks.stop();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (hazelcast != null && config.clusterMode() == ClusterMode.CLIENT) {
                hazelcast.shutdown();
            } else if (hazelcast != null) {
                HazelcastMember.leave(hazelcast);
            }
        } finally {
            instrumentation.close();
            await(vertx.close().toCompletionStage(), 10);
        }
    }

    /**
     * Ends the member abruptly, as a crash would (no logouts recorded), then stops the event loops.
     * For tests of member loss within one JVM.
     */
    public CompletableFuture<Void> crash() {
        return CompletableFuture.runAsync(() -> {
            serving = false;
            if (hazelcast != null) {
                hazelcast.getLifecycleService().terminate();
            }
            instrumentation.close();
            await(vertx.close().toCompletionStage(), 10);
        }, PresenceNode::stopperThread);
    }

    private static void stopperThread(Runnable task) {
        Thread thread = new Thread(task, "presence-node-stop");
        thread.setDaemon(true);
        thread.start();
    }

    private static <T> T await(CompletionStage<T> stage, int seconds) {
        try {
            return stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("stop step failed", e);
        }
    }

    @Override
    public void close() throws Exception {
        stop().get(60, TimeUnit.SECONDS);
    }
}
