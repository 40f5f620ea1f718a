package io.presence.node.transport;

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

    static Map<String, String> lowerCased(Iterable<Map.Entry<String, String>> headers) {
        Map<String, String> copy = new HashMap<>();
        headers.forEach(h -> copy.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        return copy;
    }
}
