package io.presence.node.internal.session;

import io.presence.protocol.Message;

import java.util.Map;

/** The transport side of one client connection, as a session sees it. Thread-safe. */
public interface Connection {

    /** Encodes and writes one message; dropped silently once the connection is closed. */
    void send(Message message);

    /**
     * Writes a login or logout notification, the same one (and the same bytes) as the change's
     * other subscribers get; as {@link #send}.
     */
    void sendNotification(Notification notification);

    /** Writes a QUERY_ALL_RESPONSE; as {@link #send}. */
    void sendOnline(OnlineAnswer answer);

    /** Runs {@code task} on the thread that handles this connection's messages, after those queued. */
    void execute(Runnable task);

    /** Sends a WebSocket ping frame; a live client answers with a pong, which counts as traffic. */
    void ping();

    /** Closes the connection with a WebSocket close frame. */
    void close(short status, String reason);

    /** A short description for logs: endpoint and remote address. */
    String describe();

    /** The client's IP address, as this node sees it. */
    String remoteAddress();

    /** The WebSocket upgrade request's headers, names in lower case; none once {@link #loggedIn}. */
    Map<String, String> headers();

    /**
     * The login succeeded and no other follows on this connection: what was kept only for the
     * login strategies (the upgrade request's headers, a few hundred bytes) may go.
     */
    void loggedIn();
}
