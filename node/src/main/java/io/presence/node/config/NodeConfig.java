package io.presence.node.config;

import java.util.List;
import java.util.Optional;

/**
 * Everything a node is told at start-up, built once by {@link NodeConfigLoader} and never changed.
 * Defaults live in {@link NodeConfigLoader#DEFAULTS}; the README's configuration table lists them.
 *
 * @param host               interface the HTTP/WebSocket server binds to
 * @param port               HTTP/WebSocket port; 0 picks a free one
 * @param binaryPath         path of the protobuf WebSocket endpoint
 * @param jsonPath           path of the JSON WebSocket endpoint
 * @param healthPath         path of the health check
 * @param maxMessageSize     largest frame accepted, in bytes
 * @param maxSendBacklog     bytes a client may leave unread (written while its socket takes no more)
 *                           before it is disconnected, so one client that stops reading cannot
 *                           fill the node's memory
 * @param authTimeoutMillis  how long a connection may stay unauthenticated
 * @param clientTimeoutMillis a connection silent this long is closed (its user logged out); WebSocket
 *                           pings go to connections silent for a third of it, so live clients answer
 * @param logoutGraceMillis  how long a user whose last connection closed stays online, waiting for a
 *                           reconnection; 0 logs out at once
 * @param reconcileMillis    how often each node re-checks the cluster map against its own sessions
 * @param maxAuthAttempts    refused logins on one connection before it is closed
 * @param maxUsernameLength  longest username accepted, in characters
 * @param transportInstances event loops serving connections
 * @param minClusterSize     the health check answers 503 while this node sees fewer cluster members,
 *                           so that a load balancer stops sending clients to a node cut off from
 *                           the others (a hang, a network split) until it is back; 1 turns it off
 * @param lastSeen           how long, and for how many users, logout times are kept (and user data)
 * @param userDataMaxBytes   largest user data (a login's {@code clientData}) the cluster keeps for
 *                           callers that may query the user; 0 keeps none
 * @param clusterMode        a Hazelcast member itself, or a client of separate data members
 * @param hazelcastConfig    Hazelcast YAML file (a client's in client mode); empty means the embedded local default
 * @param clusterName        overrides the Hazelcast cluster name when present
 * @param hazelcastPort      overrides the first Hazelcast port when present
 * @param hazelcastMembers   overrides the TCP-IP member list when not empty
 * @param auth               how logins are decided
 * @param permissionsFile    deepstream's permissions file (its presence section); empty allows all
 * @param limits             what one client or one address may take of the node
 * @param transportSecurity  wss:// and https://, the origins browsers may connect from, and the
 *                           proxies believed about a client's address
 * @param operations         draining on stop, and the logs' format and level
 * @param webhooks           signed POSTs on every cluster-wide login and logout
 */
public record NodeConfig(
        String host,
        int port,
        String binaryPath,
        String jsonPath,
        String healthPath,
        int maxMessageSize,
        int maxSendBacklog,
        long authTimeoutMillis,
        long clientTimeoutMillis,
        long logoutGraceMillis,
        long reconcileMillis,
        int maxAuthAttempts,
        int maxUsernameLength,
        int transportInstances,
        int minClusterSize,
        LastSeenRetention lastSeen,
        int userDataMaxBytes,
        ClusterMode clusterMode,
        Optional<String> hazelcastConfig,
        Optional<String> clusterName,
        Optional<Integer> hazelcastPort,
        List<String> hazelcastMembers,
        AuthSettings auth,
        Optional<String> permissionsFile,
        Limits limits,
        TransportSecurity transportSecurity,
        Operations operations,
        Webhooks webhooks) {

    public NodeConfig {
        hazelcastMembers = List.copyOf(hazelcastMembers);
    }

    /** What an operator wants to see a node started with, on one line; never a secret. */
    public String summary() {
        return "endpoints " + binaryPath + " and " + jsonPath
                + "; min.cluster.size " + minClusterSize
                + "; logout.grace.ms " + logoutGraceMillis
                + "; client.timeout.ms " + clientTimeoutMillis
                + "; reconcile.interval.ms " + reconcileMillis
                + "; drain.delay.ms " + operations.drainDelayMillis()
                + "; limits: connections " + limits.maxConnections() + ", per address " + limits.maxConnectionsPerAddress()
                + ", pending logins " + limits.maxPendingLogins() + ", messages/s " + limits.messagesPerSecond()
                + ", subscriptions " + limits.maxSubscriptions()
                + "; cluster.mode " + clusterMode
                + "; hazelcast " + hazelcastConfig.orElse("(embedded local config)")
                + "; " + transportInstances + " event loops"
                + (webhooks.enabled() ? "; webhooks to " + webhooks.urls().size() + " URLs" : "");
    }

    /** The defaults, as a starting point for tests and embedding. */
    public static NodeConfig defaults() {
        return NodeConfigLoader.load(java.util.Map.of(), java.util.Map.of());
    }
}
