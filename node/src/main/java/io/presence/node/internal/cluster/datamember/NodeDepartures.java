package io.presence.node.internal.cluster.datamember;

import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.client.impl.ClientEngineImpl;
import com.hazelcast.client.impl.ClientHeartbeatMonitor;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;

import com.hazelcast.cluster.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import java.util.UUID;
import io.presence.node.internal.cluster.ChangeTopic;
import io.presence.node.internal.cluster.ClusterWorkers;
import io.presence.node.internal.cluster.LocalMember;
import io.presence.node.internal.cluster.SilentPeerConnections;
import io.presence.node.internal.cluster.state.Change;
import io.presence.node.internal.cluster.state.ConnectedClients;
import io.presence.node.internal.cluster.state.DropDepartedProcessor;
import io.presence.node.internal.cluster.state.HeldByPredicate;
import io.presence.node.internal.cluster.state.LiveHolders;
import io.presence.node.internal.cluster.state.OrphanedEventsPredicate;
import io.presence.node.internal.cluster.state.UserHolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a data member (client mode): releases the users of nodes that disconnected — killed, hung
 * past the client heartbeat timeout, or stopped — and publishes their logouts, as the oldest
 * survivor does for a member in embedded mode. Every data member acts on the disconnections it
 * sees, but a node counts as gone only once no data member has it connected ({@link
 * ConnectedClients}: a link to one of them can break alone) and the entry's owner saw it go too
 * ({@link LiveHolders}), so the last data member to notice finishes the job. The oldest data member also sweeps every
 * interval and after membership changes, for whatever an event missed (say, every node gone).
 */
final class NodeDepartures implements AutoCloseable {

    /**
     * The sender of the webhook events of logouts decided here: never alive, so a node's next
     * take-over claims them (data members send no webhooks). Nodes are told to look at once.
     */
    static final UUID NO_SENDER = new UUID(0, 0);
    /** After a membership change, partitions have moved (and owners changed) by then. */
    static final long SETTLE_MILLIS = 3_000;
    /** How often clients' heartbeats are checked (Hazelcast's own check runs every 10 s, fixed). */
    static final long HEARTBEAT_CHECK_MILLIS = 500;
    /** Where data members ask each other which nodes they have. */
    static final String CENSUS_EXECUTOR = "presence-connected-clients";
    static final long CENSUS_TIMEOUT_MILLIS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(NodeDepartures.class);

    private final HazelcastInstance hazelcast;
    private final LocalMember member;
    private final IMap<String, UserHolders> users;
    private final ChangeTopic changes;
    private final ClusterWorkers workers = new ClusterWorkers();
    private final long graceMillis;
    private final boolean webhooks;
    private final long sweepMillis;
    private AutoCloseable silentPeers = () -> { };
    private UUID clientRegistration;
    private UUID membershipRegistration;
    private volatile boolean closed;

    /**
     * @param graceMillis the logout grace: a node's users stay held this long after it went
     * @param webhooks    whether logouts are recorded as webhook events for the nodes to send
     * @param sweepMillis how often the oldest data member looks for holders that are gone
     * @param lastSeen    whether logouts are remembered as last-seen times
     */
    NodeDepartures(HazelcastInstance hazelcast, long graceMillis, boolean webhooks, long sweepMillis,
                            boolean lastSeen) {
        this.hazelcast = hazelcast;
        this.member = new LocalMember(hazelcast, false);
        this.users = hazelcast.getMap(UserHolders.MAP);
        this.changes = new ChangeTopic(hazelcast, lastSeen);
        this.graceMillis = graceMillis;
        this.webhooks = webhooks;
        this.sweepMillis = sweepMillis;
    }

    NodeDepartures start() {
        clientRegistration = hazelcast.getClientService().addClientListener(new ClientListener() {
            @Override
            public void clientConnected(Client client) {
                // nothing: a node holds its users again itself when it reconnects
            }

            @Override
            public void clientDisconnected(Client client) {
                UUID gone = client.getUuid();
                LOG.info("node {} disconnected{}", gone, graceMillis == 0 ? "" : "; its users stay online for the logout grace of " + graceMillis + " ms");
                workers.schedule(graceMillis, () -> release(new HeldByPredicate(gone)));
            }
        });
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                workers.schedule(SETTLE_MILLIS, NodeDepartures.this::sweep);
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                workers.schedule(SETTLE_MILLIS, NodeDepartures.this::sweep);
            }
        });
        workers.schedule(sweepMillis, this::periodicSweep);
        checkHeartbeatsOften();
        silentPeers = SilentPeerConnections.watch(hazelcast);
        return this;
    }

    /**
     * A hung node keeps its connections open; Hazelcast closes them once its heartbeats stop for
     * hazelcast.client.max.no.heartbeat.seconds, but looks only every 10 s (a fixed interval),
     * which would leave a hung node's users online for up to 14 s. Hazelcast's own check is run
     * here twice a second instead; it is an internal class, so if it is not there (another
     * Hazelcast version) the built-in 10 s check is all there is, and the log says so.
     */
    private void checkHeartbeatsOften() {
        Runnable check;
        try {
            Node node = ((HazelcastInstanceProxy) hazelcast).getOriginal().node;
            ClientEngineImpl engine = (ClientEngineImpl) node.getClientEngine();
            check = new ClientHeartbeatMonitor(engine.getEndpointManager(), node.getLogger(ClientHeartbeatMonitor.class),
                    node.getNodeEngine().getExecutionService(), node.getProperties());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cannot check nodes' heartbeats more often than every 10 s ({}); a hung node's users are released later", e.toString());
            return;
        }
        workers.schedule(HEARTBEAT_CHECK_MILLIS, () -> runHeartbeatCheck(check));
    }

    private void runHeartbeatCheck(Runnable check) {
        if (closed) {
            return;
        }
        try {
            check.run();
        } catch (RuntimeException e) {
            LOG.debug("heartbeat check failed: {}", e.toString());
        }
        workers.schedule(HEARTBEAT_CHECK_MILLIS, () -> runHeartbeatCheck(check));
    }

    private void periodicSweep() {
        if (!closed) {
            sweep();
            workers.schedule(sweepMillis, this::periodicSweep);
        }
    }

    private void sweep() {
        if (!closed && member.isRunning() && member.isOldest()) {
            release(Predicates.alwaysTrue());
        }
    }

    /** Lets go of every holder among {@code entries} that neither this member nor the entry's owner sees alive. */
    private void release(Predicate<String, UserHolders> entries) {
        if (closed || !member.isRunning()) {
            return;
        }
        try {
            UUID me = member.uuid();
            Set<UUID> live = LiveHolders.members(hazelcast);
            live.addAll(clientsOfEveryMember());
            Map<String, Change> results = users.executeOnEntries(
                    new DropDepartedProcessor(live, me, member.proposedVersion(), webhooks ? NO_SENDER : null), entries);
            List<Change> released = ChangeTopic.made(results.values());
            if (released.isEmpty()) {
                return;
            }
            LOG.info("released {} users held only by nodes that are gone", released.size());
            if (LOG.isDebugEnabled()) {
                LOG.debug("released: {}", released.stream().map(Change::username).toList());
            }
            changes.publish(released, System.currentTimeMillis()).toCompletableFuture().join();
            if (webhooks) {
                hazelcast.getTopic(OrphanedEventsPredicate.TOPIC).publish(released.size());
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("releasing the users of nodes that are gone failed; the next sweep tries again: {}", e.toString());
            }
        }
    }

    /**
     * The nodes connected to any data member; a member that does not answer in time adds none
     * (it is likely going, and its departure starts a sweep of its own).
     */
    private Set<UUID> clientsOfEveryMember() {
        Set<UUID> clients = LiveHolders.clients(hazelcast);
        Map<Member, Future<ArrayList<UUID>>> answers = hazelcast.getExecutorService(CENSUS_EXECUTOR)
                .submitToAllMembers(new ConnectedClients());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CENSUS_TIMEOUT_MILLIS);
        answers.forEach((member, answer) -> {
            try {
                clients.addAll(answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("data member {} did not say which nodes it has: {}", member, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return clients;
    }

    @Override
    public void close() {
        closed = true;
        if (member.isRunning()) {
            hazelcast.getClientService().removeClientListener(clientRegistration);
            hazelcast.getCluster().removeMembershipListener(membershipRegistration);
        }
        workers.close();
        try {
            silentPeers.close();
        } catch (Exception e) {
            // a timer's shutdown does not fail
        }
    }
}
