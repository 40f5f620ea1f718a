package io.presence.node.internal.session;

import io.presence.node.internal.presence.DisconnectOrder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every open session of this node, for deadline checks and for closing them all on stop; and
 * how many of them have not logged in yet, which the transport caps.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger awaitingLogin = new AtomicInteger();
    private final AtomicInteger named = new AtomicInteger();
    private final AtomicInteger anonymous = new AtomicInteger();

    void add(Session session) {
        awaitingLogin.incrementAndGet();
        sessions.add(session);
    }

    void loggedIn(boolean withoutUsername) {
        awaitingLogin.decrementAndGet();
        (withoutUsername ? anonymous : named).incrementAndGet();
    }

    /**
     * @param beforeLogin     whether the session closed without having logged in
     * @param withoutUsername whether it had logged in anonymously
     */
    void remove(Session session, boolean beforeLogin, boolean withoutUsername) {
        if (beforeLogin) {
            awaitingLogin.decrementAndGet();
        } else {
            (withoutUsername ? anonymous : named).decrementAndGet();
        }
        sessions.remove(session);
    }

    public int size() {
        return sessions.size();
    }

    /** Open connections that have not logged in (yet). */
    public int awaitingLogin() {
        return awaitingLogin.get();
    }

    /** Sessions logged in with a username. */
    public int loggedInNamed() {
        return named.get();
    }

    /** Sessions logged in anonymously. */
    public int loggedInAnonymous() {
        return anonymous.get();
    }

    /** @param now the time on the sessions' clock */
    public void checkDeadlines(long now) {
        sessions.forEach(s -> s.checkDeadlines(now));
    }

    /** Closes every connection logged in as the order's user, with close code 4000 and its reason. */
    public void disconnect(DisconnectOrder order) {
        int closed = 0;
        for (Session s : sessions) {
            if (s.isLoggedInAs(order.username())) {
                s.close(CloseCode.DISCONNECTED, order.reason());
                closed++;
            }
        }
        if (closed > 0) {
            int count = closed;
            LOG.atInfo().log(() -> "closed " + count + " connection(s) of '" + order.username() + "': disconnected by "
                    + order.by() + " (" + order.reason() + ")");
        }
    }

    /** Closes every connection with a close frame, so that clients reconnect elsewhere. */
    public void closeAll(short status, String reason) {
        sessions.forEach(s -> s.close(status, reason));
    }
}
