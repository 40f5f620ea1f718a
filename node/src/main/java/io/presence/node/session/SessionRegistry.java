package io.presence.node.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every open session of this node, for deadline checks and for closing them all on stop. */
public final class SessionRegistry {

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    void add(Session session) {
        sessions.add(session);
    }

    void remove(Session session) {
        sessions.remove(session);
    }

    public int size() {
        return sessions.size();
    }

    /** @param now the time on the sessions' clock */
    public void checkDeadlines(long now) {
        sessions.forEach(s -> s.checkDeadlines(now));
    }

    /** Closes every connection with a close frame, so that clients reconnect elsewhere. */
    public void closeAll(short status, String reason) {
        sessions.forEach(s -> s.close(status, reason));
    }
}
