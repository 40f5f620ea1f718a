package io.presence.node.internal.transport;

import io.presence.node.config.Limits;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.session.CloseCode;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a new connection may stay: the node's connection cap, the cap per client
 * address, and the cap on connections still waiting to log in. Shared by every transport
 * instance of a node; thread-safe.
 */
public final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /** Under a flood of refusals, at most this many log lines per {@link #LOG_WINDOW_MILLIS}. */
    private static final int LOG_LINES_PER_WINDOW = 10;
    private static final long LOG_WINDOW_MILLIS = 10_000;

    /** Why a connection was turned away, told to its client in the close frame. */
    record Refusal(short closeCode, String reason, NodeMetrics.Limit limit) {
    }

    private final Limits limits;
    private final IntSupplier awaitingLogin;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> openByAddress = new ConcurrentHashMap<>();
    private long logWindowStart = Long.MIN_VALUE / 2;
    private int loggedInWindow;
    private int unlogged;

    /** @param awaitingLogin how many open connections have not logged in yet */
    public Admission(Limits limits, IntSupplier awaitingLogin) {
        this.limits = limits;
        this.awaitingLogin = awaitingLogin;
    }

    /**
     * Admits a connection from {@code address} (null when unknown), counting it until
     * {@link #release}; or says why not, counting nothing.
     */
    Refusal admit(String address) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            return refused(NodeMetrics.Limit.CONNECTIONS, CloseCode.TRY_AGAIN_LATER, "this node has " + limits.maxConnections()
                    + " connections, its limit; try again later or another node");
        }
        if (awaitingLogin.getAsInt() >= limits.maxPendingLogins()) {
            open.decrementAndGet();
            return refused(NodeMetrics.Limit.PENDING_LOGINS, CloseCode.TRY_AGAIN_LATER, limits.maxPendingLogins()
                    + " connections are waiting to log in on this node, its limit; try again later");
        }
        if (address != null) {
            int fromAddress = openByAddress.merge(address, 1, Integer::sum);
            if (fromAddress > limits.maxConnectionsPerAddress()) {
                release(address);
                return refused(NodeMetrics.Limit.CONNECTIONS_PER_ADDRESS, CloseCode.POLICY_VIOLATION, "at most " + limits.maxConnectionsPerAddress()
                        + " connections from one address (" + address + "); behind a proxy, see trusted.proxies");
            }
        }
        return null;
    }

    /** A connection admitted from {@code address} closed. */
    void release(String address) {
        open.decrementAndGet();
        if (address != null) {
            openByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    int open() {
        return open.get();
    }

    private Refusal refused(NodeMetrics.Limit limit, short closeCode, String reason) {
        String line = null;
        synchronized (this) {
            long now = System.nanoTime() / 1_000_000;
            if (now - logWindowStart >= LOG_WINDOW_MILLIS) {
                if (unlogged > 0) {
                    line = "; " + unlogged + " more refused in the last " + LOG_WINDOW_MILLIS / 1000 + " s, not logged";
                }
                logWindowStart = now;
                loggedInWindow = 0;
                unlogged = 0;
            }
            if (loggedInWindow < LOG_LINES_PER_WINDOW) {
                loggedInWindow++;
                line = line == null ? "" : line;
            } else {
                unlogged++;
                line = null;
            }
        }
        if (line != null) {
            LOG.warn("connection refused: " + reason + line);
        }
        return new Refusal(closeCode, reason, limit);
    }
}
