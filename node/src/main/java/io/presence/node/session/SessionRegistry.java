package io.presence.node.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every open session of this node, for deadline checks and for closing them all on stop. */
public final class SessionRegistry {

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    public void add(Session session, Connection connection) {
        sessions.add(session);
        connections.add(connection);
    }

    public void remove(Session session, Connection connection) {
        sessions.remove(session);
        connections.remove(connection);
    }

    public int size() {
        return sessions.size();
    }

    public void checkDeadlines(long now) {
        sessions.forEach(s -> s.checkDeadlines(now));
    }

    /** Closes every connection with a close frame, so that clients reconnect elsewhere. */
    public void closeAll(short status, String reason) {
        connections.forEach(c -> c.close(status, reason));
    }
}
