package io.presence.node;

import com.hazelcast.core.HazelcastInstance;
import io.presence.node.cluster.HazelcastMember;
import io.presence.node.cluster.HazelcastPresenceCluster;
import io.presence.node.config.NodeConfig;
import io.presence.node.presence.PresenceExecutor;
import io.presence.node.presence.PresenceService;
import io.presence.node.session.OpenAuthenticator;
import io.presence.node.session.Session;
import io.presence.node.session.SessionRegistry;
import io.presence.node.session.SessionSettings;
import io.presence.node.transport.TransportVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One presence node: a Vert.x HTTP/WebSocket server and an embedded Hazelcast member. Embeddable:
 * tests and benchmarks start real nodes in-process. The only class that sees every concrete part.
 */
public final class PresenceNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PresenceNode.class.getName());
    private static final long TOMBSTONE_PRUNE_MILLIS = 60_000;

    private final NodeConfig config;
    private final Vertx vertx;
    private final SessionRegistry sessions = new SessionRegistry();
    private final List<TransportVerticle> transports = new CopyOnWriteArrayList<>();
    private volatile boolean serving;
    private final java.util.concurrent.atomic.AtomicBoolean reconciling = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean reconcileAgain = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile HazelcastInstance hazelcast;
    private HazelcastPresenceCluster cluster;
    private PresenceService presence;
    private String deploymentId;

    private PresenceNode(NodeConfig config) {
        this.config = config;
        this.vertx = Vertx.vertx();
    }

    public static PresenceNode create(NodeConfig config) {
        return new PresenceNode(config);
    }

    /** Joins the cluster, then opens the endpoints; completes when the node serves. */
    public Future<PresenceNode> start() {
        return vertx.executeBlocking(() -> {
                    hazelcast = HazelcastMember.start(config);
                    // blocking too (the query cache is created and filled): not on an event loop
                    return new HazelcastPresenceCluster(hazelcast);
                }, false)
                .compose(adapter -> {
                    cluster = adapter;
                    cluster.onTopologyChange(() -> {
                        if (serving) {
                            reconcile();
                            // and once more when the dust has settled (merged data, partition moves)
                            vertx.setTimer(Math.min(3000, config.reconcileMillis()), t -> reconcile());
                        }
                    });
                    presence = new PresenceService(cluster, presenceExecutor(vertx.getOrCreateContext()),
                            System::currentTimeMillis, config.logoutGraceMillis());
                    OpenAuthenticator authenticator = new OpenAuthenticator(config.maxUsernameLength());
                    return vertx.deployVerticle(() -> {
                        TransportVerticle transport = new TransportVerticle(config, presence, authenticator,
                                sessions, this::isHealthy);
                        transports.add(transport);
                        return transport;
                    }, new DeploymentOptions().setInstances(config.transportInstances()));
                })
                .map(id -> {
                    deploymentId = id;
                    long sweep = Math.max(10, Math.min(config.clientTimeoutMillis(), config.authTimeoutMillis()) / SessionSettings.SWEEPS_PER_TIMEOUT);
                    vertx.setPeriodic(sweep, t -> sessions.checkDeadlines(System.currentTimeMillis()));
                    vertx.setPeriodic(TOMBSTONE_PRUNE_MILLIS, t -> presence.pruneTombstones());
                    vertx.setPeriodic(config.reconcileMillis(), t -> reconcile());
                    serving = true;
                    LOG.info(() -> "presence node serving on " + config.host() + ":" + port()
                            + " as cluster member " + hazelcast.getCluster().getLocalMember().getAddress());
                    return this;
                })
                .recover(failure -> {
                    // e.g. the port is taken: leave no member behind in the cluster, no event loops running
                    LOG.severe("node failed to start: " + failure);
                    crash(); // on a thread of its own; it closes the event loops this future runs on
                    return Future.failedFuture(failure);
                });
    }

    /** One reconciliation at a time; one asked for meanwhile runs right after. */
    private void reconcile() {
        if (!reconciling.compareAndSet(false, true)) {
            reconcileAgain.set(true);
            return;
        }
        presence.reconcileWithCluster().whenComplete((ok, failure) -> {
            reconciling.set(false);
            if (failure != null && serving) {
                // typically the cluster is changing under us (a merge); try again soon, not at the next tick
                LOG.warning("reconciliation with the cluster failed; trying again in 1 s: " + failure);
                vertx.setTimer(Math.min(1000, config.reconcileMillis()), t -> reconcile());
            }
            if (reconcileAgain.getAndSet(false) && serving) {
                reconcile();
            }
        });
    }

    private PresenceExecutor presenceExecutor(Context context) {
        return new PresenceExecutor() {
            @Override
            public void execute(Runnable task) {
                context.runOnContext(v -> task.run());
            }

            @Override
            public void schedule(long delayMillis, Runnable task) {
                vertx.setTimer(delayMillis, id -> context.runOnContext(v -> task.run()));
            }
        };
    }

    /** Serving and a running cluster member: what the health check reports. */
    public boolean isHealthy() {
        // serving is written after cluster, so reading it first makes cluster visible
        return serving && cluster.seesAtLeast(config.minClusterSize());
    }

    /** The HTTP/WebSocket port bound. */
    public int port() {
        return transports.isEmpty() ? config.port() : transports.get(0).actualPort();
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
        serving = false;
        sessions.closeAll(Session.CLOSE_GOING_AWAY, "node stopping");
        try {
            if (deploymentId != null) {
                await(vertx.undeploy(deploymentId).toCompletionStage(), 10);
            }
            if (presence != null) {
                try {
                    await(presence.drain(), 10);
                } catch (RuntimeException e) {
                    LOG.warning("logouts not all recorded before stop: " + e);
                }
            }
            if (cluster != null) {
                cluster.close();
            }
            if (hazelcast != null) {
                hazelcast.shutdown();
            }
        } finally {
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
