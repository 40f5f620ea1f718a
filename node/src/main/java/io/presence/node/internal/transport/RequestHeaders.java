package io.presence.node.internal.transport;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A request's headers as the login strategies see them: names in lower case, the first value of each
 * (from Vert.x's headers of an HTTP call, or Netty's of a WebSocket upgrade).
 */
final class RequestHeaders {

    private RequestHeaders() {
    }

    /**
     * A WebSocket upgrade's headers as a map, looked up case-insensitively; copied in lower case
     * only when a strategy iterates them (the http strategy), not at every login.
     */
    static Map<String, String> view(io.netty.handler.codec.http.HttpHeaders headers) {
        return new java.util.AbstractMap<>() {
            @Override
            public String get(Object name) {
                return name instanceof String n ? headers.get(n) : null;
            }

            @Override
            public java.util.Set<Entry<String, String>> entrySet() {
                return lowerCased(headers).entrySet();
            }
        };
    }

    static Map<String, String> lowerCased(Iterable<Map.Entry<String, String>> headers) {
        Map<String, String> copy = new HashMap<>();
        headers.forEach(h -> copy.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        return copy;
    }
}
