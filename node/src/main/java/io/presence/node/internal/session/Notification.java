package io.presence.node.internal.session;

import io.presence.protocol.PresenceMessage;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * A login or logout notification as every subscriber of one change gets it: made once per change
 * and kind (to everyone, or to the name), and encoded at most once per wire format, by whichever
 * connection writes it first; every other connection writes the same bytes. Thread-safe.
 */
public final class Notification {

    /** Wire formats a notification may be encoded in; the transport numbers them from 0. */
    static final int FORMATS = 2;

    private final PresenceMessage message;
    private final long decidedAt;
    private final AtomicReferenceArray<Object> encodings = new AtomicReferenceArray<>(FORMATS);

    Notification(PresenceMessage message, long decidedAt) {
        this.message = message;
        this.decidedAt = decidedAt;
    }

    public PresenceMessage message() {
        return message;
    }

    /** When the cluster decided the change (wall clock, ms; 0 when not known). */
    public long decidedAt() {
        return decidedAt;
    }

    /**
     * This notification in wire format number {@code format}: encoded by {@code encoder} the first
     * time (two connections writing it at once may both encode; either result is the same).
     */
    @SuppressWarnings("unchecked")
    public <T> T encoded(int format, Function<PresenceMessage, T> encoder) {
        Object encoded = encodings.get(format);
        if (encoded == null) {
            encoded = encoder.apply(message);
            encodings.set(format, encoded);
        }
        return (T) encoded;
    }
}
