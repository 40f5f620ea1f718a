package io.presence.node.config;

import java.util.List;
import java.util.Optional;

/**
 * Who is at the other end of a connection: wss:// and https:// from PEM files, optionally
 * requiring client certificates signed by a CA; which browser origins may open a WebSocket; and
 * which proxies are believed when they name the client's address.
 *
 * @param allowedOrigins exact origins (scheme://host[:port]) allowed; empty allows any, and
 *                       connections without an Origin header (not from a browser) are always allowed
 * @param trustedProxies addresses of load balancers whose X-Forwarded-For header names the client;
 *                       from anyone else the header is ignored, since a client could forge it
 */
public record TransportSecurity(Optional<String> certificate, Optional<String> key, Optional<String> clientCa,
                                List<String> allowedOrigins, List<String> trustedProxies) {

    public TransportSecurity {
        allowedOrigins = List.copyOf(allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }

    public boolean tlsEnabled() {
        return certificate.isPresent();
    }
}
