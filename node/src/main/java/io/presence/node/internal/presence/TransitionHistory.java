package io.presence.node.internal.presence;

import java.util.function.LongSupplier;

/**
 * Cluster-wide logins and logouts per second over the last {@link #SECONDS} seconds, as this
 * node's view saw them: what the live page charts. Written on the presence thread, read by any;
 * a ring of per-second counts, so memory stays fixed however busy the cluster is.
 */
public final class TransitionHistory {

    public static final int SECONDS = 600;

    /** Per-second counts, oldest first, and the wall-clock second of the last one. */
    public record Window(long lastSecond, int[] logins, int[] logouts) {
    }

    private final LongSupplier wallClockMillis;
    private final int[] logins = new int[SECONDS];
    private final int[] logouts = new int[SECONDS];
    /** The wall-clock second the newest slot counts. */
    private long newest;

    /** @param wallClockMillis the time the chart's axis shows */
    public TransitionHistory(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
        this.newest = wallClockMillis.getAsLong() / 1000;
    }

    synchronized void record(boolean online) {
        long second = advance();
        int slot = (int) Math.floorMod(second, (long) SECONDS);
        if (online) {
            logins[slot]++;
        } else {
            logouts[slot]++;
        }
    }

    /** The last {@link #SECONDS} seconds, oldest first, ending with the current one. */
    public synchronized Window window() {
        long last = advance();
        int[] in = new int[SECONDS];
        int[] out = new int[SECONDS];
        for (int i = 0; i < SECONDS; i++) {
            int slot = (int) Math.floorMod(last - SECONDS + 1 + i, (long) SECONDS);
            in[i] = logins[slot];
            out[i] = logouts[slot];
        }
        return new Window(last, in, out);
    }

    /** Moves the ring to the current second, clearing the slots of seconds gone by. */
    private long advance() {
        long now = wallClockMillis.getAsLong() / 1000;
        if (now > newest) {
            long gone = Math.min(now - newest, SECONDS);
            for (long s = now - gone + 1; s <= now; s++) {
                int slot = (int) Math.floorMod(s, (long) SECONDS);
                logins[slot] = 0;
                logouts[slot] = 0;
            }
            newest = now;
        }
        return newest;
    }
}
