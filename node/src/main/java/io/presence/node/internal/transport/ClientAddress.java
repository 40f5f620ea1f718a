package io.presence.node.internal.transport;

import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Set;

/**
 * The address a connection comes from, for the per-address limit and the http auth strategy.
 * Behind load balancers every connection comes from a balancer; those named as trusted proxies
 * are believed when their X-Forwarded-For header names the client. The header is read from the
 * right, where trusted proxies appended, and the first address not a trusted proxy is the client's:
 * what a client wrote at the left itself could be forged.
 */
final class ClientAddress {

    private final Set<String> trustedProxies;

    ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    /** The address an HTTP request comes from, as {@link #of(String, List)} reads it. */
    String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return of(peer, request.headers().getAll("X-Forwarded-For"));
    }

    /**
     * @param peer          the TCP peer's address (null if unknown)
     * @param forwardedFor  every X-Forwarded-For line of the request, in order: a proxy may
     *                      append a line of its own rather than extend the client's
     */
    String of(String peer, List<String> forwardedFor) {
        if (peer == null || forwardedFor.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}
