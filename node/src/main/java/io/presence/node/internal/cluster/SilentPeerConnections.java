package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.internal.server.ServerConnection;
import com.hazelcast.internal.server.ServerConnectionManager;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes member connections whose peer has not answered Hazelcast's handshake within
 * {@link #HANDSHAKE_MILLIS}. A member that hangs (SIGSTOP, a long pause) keeps its port open: its
 * kernel accepts new connections and its JVM never answers, and Hazelcast 5.7's output thread
 * spins on such a connection until it closes (empty writes, a core's worth of CPU; the same stack
 * as hazelcast/hazelcast#26473). Survivors open them right after suspecting the hung member and at
 * every merge search; on a small host the spin starved their heartbeats to each other and split
 * the cluster (docs/resilience.md, "A hung master"). A live peer answers in milliseconds.
 *
 * <p>Reaches into Hazelcast's internal connection manager; if that is not there (another
 * Hazelcast version) it does nothing, and says so once.
 *
 * <p>Public for the data member ({@code cluster.datamember}), which runs on the same plumbing.
 */
public final class SilentPeerConnections implements Runnable, AutoCloseable {

    static final long HANDSHAKE_MILLIS = 300;
    static final long CHECK_MILLIS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(SilentPeerConnections.class);

    private final ServerConnectionManager connections;
    /** When each connection without a handshake was first seen. */
    private final Map<ServerConnection, Long> waiting = Collections.synchronizedMap(new IdentityHashMap<>());
    /** A thread of its own: the check must run while the cluster workers wait on a hung member. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "presence-silent-peers");
        thread.setDaemon(true);
        return thread;
    });

    private SilentPeerConnections(ServerConnectionManager connections) {
        this.connections = connections;
    }

    /**
     * Starts checking {@code member}'s connections to other members every {@link #CHECK_MILLIS};
     * returns what stops it (nothing to stop when they cannot be reached).
     */
    public static AutoCloseable watch(HazelcastInstance member) {
        SilentPeerConnections check;
        try {
            check = new SilentPeerConnections(MemberInternals.node(member).getServer()
                    .getConnectionManager(EndpointQualifier.MEMBER));
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cannot watch member connections for peers that do not answer ({}); a hung member may cost CPU",
                    e.toString());
            return () -> { };
        }
        check.timer.scheduleWithFixedDelay(check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return check;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    @Override
    public void run() {
        try {
            check(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.debug("checking member connections failed: {}", e.toString());
        }
    }

    private void check(long now) {
        Set<ServerConnection> open = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ServerConnection connection : connections.getConnections()) {
            if (!connection.isAlive() || connection.getRemoteUuid() != null) {
                continue;
            }
            open.add(connection);
            long since = waiting.computeIfAbsent(connection, c -> now);
            if (now - since > HANDSHAKE_MILLIS * 1_000_000) {
                LOG.info("closing the connection to {}: no handshake in {} ms (the member does not answer)",
                        connection.getRemoteAddress(), HANDSHAKE_MILLIS);
                connection.close("no handshake from the peer in " + HANDSHAKE_MILLIS + " ms", null);
            }
        }
        waiting.keySet().retainAll(open);
    }
}
