package io.presence.node.internal.cluster;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this process was frozen lately (SIGSTOP, a paused VM, a very long collection): a watch
 * thread ticks every {@link #TICK_MILLIS}; a gap between ticks longer than the threshold means the
 * process did not run, and the other members may have taken it for gone meanwhile. A member that
 * wakes still believes in the membership it had before; until its view had time to catch up (the
 * settling time), it decides nothing, since such a decision could repeat or undo what the others
 * decided without it (seen: a logout decided twice, once by the others and once by the woken
 * member for a client that closed during the freeze).
 *
 * <p>The gap is also read when asked, so a member that wakes and decides before the watch thread
 * has run again is held back as well.
 */
final class FreezeDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FreezeDetector.class);
    static final long TICK_MILLIS = 100;

    private final LongSupplier nanoTime;
    private final long thresholdNanos;
    private final long settleNanos;
    private final ScheduledExecutorService watch;
    private volatile long lastTick;
    private volatile long settledAt;

    /**
     * Starts the watch thread.
     *
     * @param heartbeatTimeoutMillis how long the members wait for a heartbeat before they take a
     *                               member for gone: a freeze of half that is suspect, and a woken
     *                               member waits that long for its view to catch up
     */
    static FreezeDetector start(long heartbeatTimeoutMillis) {
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "presence-freeze-watch");
            t.setDaemon(true);
            return t;
        });
        FreezeDetector detector = new FreezeDetector(System::nanoTime, heartbeatTimeoutMillis / 2, heartbeatTimeoutMillis, watch);
        watch.scheduleWithFixedDelay(detector::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return detector;
    }

    /** @param watch what ticks it; null when the caller calls {@link #tick()} itself */
    FreezeDetector(LongSupplier nanoTime, long thresholdMillis, long settleMillis, ScheduledExecutorService watch) {
        this.nanoTime = nanoTime;
        this.thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMillis);
        this.settleNanos = TimeUnit.MILLISECONDS.toNanos(settleMillis);
        this.watch = watch;
        long now = nanoTime.getAsLong();
        this.lastTick = now;
        this.settledAt = now;
    }

    /** The watch thread's beat: notes a freeze that just ended. */
    void tick() {
        long now = nanoTime.getAsLong();
        long gap = now - lastTick;
        if (gap > thresholdNanos) {
            settledAt = now + settleNanos;
            LOG.warn("this process did not run for {} ms (stopped, paused or starved): it decides nothing for {} ms "
                    + "while its view of the cluster catches up", TimeUnit.NANOSECONDS.toMillis(gap),
                    TimeUnit.NANOSECONDS.toMillis(settleNanos));
        }
        lastTick = now;
    }

    /** False while a freeze has just ended (or has ended and the watch has not run since). Any thread. */
    boolean mayDecide() {
        long now = nanoTime.getAsLong();
        return now - lastTick <= thresholdNanos && now - settledAt >= 0;
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }
}
