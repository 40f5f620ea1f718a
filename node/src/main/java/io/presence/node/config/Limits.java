package io.presence.node.config;

/**
 * What one client, or one address, may take of a node. Every limit answers the one client with a
 * clear error and a log line, and never disturbs the others.
 *
 * @param maxConnections           open WebSocket connections on this node
 * @param maxConnectionsPerAddress open connections from one remote IP address
 * @param maxPendingLogins         connections open but not logged in yet
 * @param messagesPerSecond        messages a connection may send a second, on average
 * @param messageBurst             messages a connection may send at once (the bucket's size)
 * @param maxSubscriptions         names one connection may be subscribed to
 * @param maxNodeSubscriptions     subscriptions to names all connections of this node may hold
 *                                 together: each costs up to about 460 bytes of heap
 * @param maxRequestNames          names in one SUBSCRIBE, UNSUBSCRIBE or QUERY
 * @param maxApiCommands           commands in one {@code POST /api} body
 * @param maxApiAnswerBytes        bytes of one {@code POST /api} answer: each command that asks
 *                                 for everyone adds the whole online list
 */
public record Limits(int maxConnections, int maxConnectionsPerAddress, int maxPendingLogins,
                     int messagesPerSecond, int messageBurst, int maxSubscriptions, int maxNodeSubscriptions, int maxRequestNames,
                     int maxApiCommands, int maxApiAnswerBytes) {
}
