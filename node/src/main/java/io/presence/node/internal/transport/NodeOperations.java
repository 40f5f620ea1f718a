package io.presence.node.internal.transport;

import java.util.concurrent.CompletionStage;

/**
 * What the node tells operators over HTTP, as the transport asks for it. Implemented by the node,
 * which sees every part; the transport only serves the answers.
 */
public interface NodeOperations {

    /** Whether a load balancer should send this node new clients, and if not, why. */
    record Readiness(boolean ready, String state) {
    }

    /** Serving, with a running cluster member: the liveness check's answer. */
    boolean healthy();

    Readiness readiness();

    /** Every figure, in Prometheus's text format. Blocks for a moment: call off an event loop. */
    String scrape();

    /** The live page's figures as JSON: users online, members, logins and logouts lately. */
    CompletionStage<String> status();

    /**
     * Starts draining (readiness says 503 from now on, so load balancers send no new clients);
     * completes once the configured drain delay has passed. Clients already connected stay.
     */
    CompletionStage<Void> drain();

    /**
     * Ends a drain that was asked for over HTTP: readiness is as before. False when the node is
     * stopping (a SIGTERM's drain cannot be taken back).
     */
    boolean resume();
}
