package io.presence.node.internal.session;

/**
 * One connection's message rate: a token bucket of {@code burst} tokens at most, refilled at
 * {@code perSecond}, counted in thousandths of a token so that a millisecond clock refills
 * smoothly at any rate; and what a message over the rate gets. The first drop is answered with
 * a warning; a client that goes on sending past the rate for another second's worth of messages
 * is closed. Used on the connection's event loop only.
 */
final class MessageRate {

    /** What becomes of a message. */
    enum Verdict { TAKEN, DROPPED_WITH_WARNING, DROPPED, CLOSE }

    private static final long UNIT = 1000;

    private final long perSecond;
    private final long capacity;
    private long tokens;
    private long refilledAt;
    /** Messages dropped since the last second without drops. */
    private int dropped;
    private long lastDropAt;

    MessageRate(int perSecond, int burst, long now) {
        this.perSecond = perSecond;
        this.capacity = burst * UNIT;
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Decides a message arriving at {@code now} (milliseconds). */
    Verdict admit(long now) {
        if (take(now)) {
            return Verdict.TAKEN;
        }
        if (now - lastDropAt > 1000) {
            dropped = 0;
        }
        lastDropAt = now;
        dropped++;
        if (dropped == 1) {
            return Verdict.DROPPED_WITH_WARNING;
        }
        return dropped > perSecond ? Verdict.CLOSE : Verdict.DROPPED;
    }

    /** Takes a token for a message arriving at {@code now} (milliseconds); false if none is left. */
    private boolean take(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            // perSecond tokens a second = perSecond thousandths a millisecond
            tokens = Math.min(capacity, tokens + elapsed * perSecond);
            refilledAt = now;
        }
        if (tokens < UNIT) {
            return false;
        }
        tokens -= UNIT;
        return true;
    }
}
