package io.presence.node.session;

/**
 * A token bucket for one connection's messages: {@code burst} tokens at most, refilled at
 * {@code perSecond}. Counted in thousandths of a token so that a millisecond clock refills
 * smoothly at any rate. Used on the connection's event loop only.
 */
final class MessageRate {

    private static final long UNIT = 1000;

    private final long perSecond;
    private final long capacity;
    private long tokens;
    private long refilledAt;

    MessageRate(int perSecond, int burst, long now) {
        this.perSecond = perSecond;
        this.capacity = burst * UNIT;
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Takes a token for a message arriving at {@code now} (milliseconds); false if none is left. */
    boolean take(long now) {
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
