package io.presence.node;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Readiness turned away on purpose, so that load balancers send a node no new clients while it
 * keeps those it has for the drain delay: asked over HTTP (and then it can be ended), or as the
 * first step of a stop (and then it cannot). Thread-safe.
 */
final class Drain {

    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    private final Vertx vertx;
    private final long delayMillis;
    /** Set once a drain began; completes when the delay has passed (or the drain ended). */
    private CompletableFuture<Void> delayOver;
    private volatile boolean active;
    private boolean stopping;

    Drain(Vertx vertx, long delayMillis) {
        this.vertx = vertx;
        this.delayMillis = delayMillis;
    }

    /** Starts draining, if not yet; completes once the drain delay has passed. */
    synchronized CompletionStage<Void> begin() {
        if (delayOver == null) {
            CompletableFuture<Void> over = new CompletableFuture<>();
            delayOver = over;
            active = true;
            LOG.info("draining: readiness says 503; clients stay connected for {} ms", delayMillis);
            if (delayMillis == 0) {
                over.complete(null);
            } else {
                vertx.setTimer(delayMillis, t -> over.complete(null));
            }
        }
        return delayOver;
    }

    /** The stop has begun: from now on a drain cannot be ended. */
    synchronized void stopping() {
        stopping = true;
    }

    /** Ends a drain: readiness as before. False when the node is stopping. */
    synchronized boolean end() {
        if (stopping) {
            return false;
        }
        if (delayOver != null) {
            delayOver.complete(null);
            delayOver = null;
            active = false;
            LOG.info("drain ended: readiness as before");
        }
        return true;
    }

    boolean active() {
        return active;
    }
}
