package io.presence.node.internal.cluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gap in the watch's ticks holds decisions back until the view had time to settle; on a clock we move. */
@Tag("unit")
class FreezeDetectorTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** Frozen after 2 s without a tick; waits 4 s after waking. */
    private final FreezeDetector detector = new FreezeDetector(nanos::get, 2_000, 4_000, null);

    private void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Ticks every 100 ms for {@code millis}, as the watch thread does while the process runs. */
    private void run(long millis) {
        for (long t = 0; t < millis; t += FreezeDetector.TICK_MILLIS) {
            advance(FreezeDetector.TICK_MILLIS);
            detector.tick();
        }
    }

    @Test
    void aProcessThatRunsMayDecide() {
        run(10_000);
        assertTrue(detector.mayDecide());
    }

    @Test
    void aWokenMemberDecidesNothingBeforeTheWatchHasRunAgain() {
        run(1_000);
        advance(8_000); // SIGSTOP for 8 s: nothing ran, and another thread asks first on waking
        assertFalse(detector.mayDecide());
    }

    @Test
    void aWokenMemberWaitsTheSettlingTimeThenDecidesAgain() {
        run(1_000);
        advance(8_000);
        detector.tick();
        assertFalse(detector.mayDecide(), "just woken");
        run(3_900);
        assertFalse(detector.mayDecide(), "still settling");
        run(200);
        assertTrue(detector.mayDecide(), "settled");
    }

    @Test
    void aStallShorterThanTheThresholdChangesNothing() {
        run(1_000);
        advance(1_500); // a long collection, well below the heartbeat timeout
        assertTrue(detector.mayDecide());
        detector.tick();
        assertTrue(detector.mayDecide());
    }

    @Test
    void aSecondFreezeWhileSettlingStartsTheWaitAgain() {
        run(1_000);
        advance(8_000);
        detector.tick();
        run(3_000);
        advance(5_000);
        detector.tick();
        run(3_000);
        assertFalse(detector.mayDecide(), "4 s from the second waking have not passed");
        run(1_100);
        assertTrue(detector.mayDecide());
    }
}
