package io.presence.node.internal.transport;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

import java.nio.charset.StandardCharsets;

/** Close frames the node sends: a status and a reason cut to what a close frame may hold. */
final class CloseFrames {

    /** A close frame's reason holds at most 123 bytes of UTF-8 (RFC 6455, 5.5). */
    private static final int MAX_REASON_BYTES = 123;

    private CloseFrames() {
    }

    static CloseWebSocketFrame of(int status, String reason) {
        byte[] utf8 = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_REASON_BYTES) {
            // cut on a character boundary: a continuation byte starts with bits 10
            int end = MAX_REASON_BYTES;
            while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
                end--;
            }
            reason = new String(utf8, 0, end, StandardCharsets.UTF_8);
        }
        return new CloseWebSocketFrame(status, reason);
    }
}
