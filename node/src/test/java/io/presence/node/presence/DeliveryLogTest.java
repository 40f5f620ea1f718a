package io.presence.node.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryLogTest {

    private final DeliveryLog log = new DeliveryLog();
    private long now = 1_000;

    private boolean apply(String name, boolean online, long version) {
        return log.apply(new PresenceChange(name, online, version), now);
    }

    @Test
    void aLateOlderChangeIsDropped() {
        assertTrue(apply("Alex", true, 1));
        assertTrue(apply("Alex", false, 3));
        assertFalse(apply("Alex", true, 2));
        assertFalse(log.last("Alex").online());
    }

    @Test
    void aNewerChangeToTheSameStateIsNotDeliveredAgain() {
        assertTrue(apply("Alex", true, 1));
        assertFalse(apply("Alex", true, 3));
        assertEquals(3, log.last("Alex").version());
        assertTrue(apply("Alex", false, 4));
    }

    @Test
    void recentDeliveriesAreRememberedForTheWindowOnly() {
        apply("Alex", true, 1);
        now += DeliveryLog.RECENT_MILLIS / 2;
        apply("Ben", true, 1);
        apply("Alex", false, 2);
        assertEquals(Map.of("Alex", false, "Ben", true), log.recent(now));
        now += DeliveryLog.RECENT_MILLIS / 2 + 1;
        assertEquals(Map.of("Alex", false, "Ben", true), log.recent(now), "Alex's leave is the later delivery");
        now += DeliveryLog.RECENT_MILLIS;
        assertEquals(Map.of(), log.recent(now));
    }

    @Test
    void deliveriesOlderThanTheWindowAreForgottenEvenWithoutQueries() {
        for (int i = 0; i < 1_000; i++) {
            apply("user-" + i, true, 1);
            now += 10;
        }
        // at the last delivery (9,990 ms in) only those from 4,990 ms on are within the window
        assertEquals(DeliveryLog.RECENT_MILLIS / 10 + 1, log.recentCount());
    }

    @Test
    void leavesArePrunedAfterTheTombstoneWindowAndJoinsAreKept() {
        apply("Alex", true, 1);
        apply("Ben", true, 1);
        apply("Ben", false, 2);
        now += DeliveryLog.TOMBSTONE_MILLIS + 1;
        log.pruneTombstones(now);
        assertNull(log.last("Ben"));
        assertTrue(log.last("Alex").online());
    }

    @Test
    void aCorrectionFlipsTheStateAtTheSameVersion() {
        apply("Alex", true, 7);
        assertFalse(log.correct("Alex", now));
        assertEquals(7, log.last("Alex").version());
        assertFalse(apply("Alex", true, 7), "the same version is not newer");
        assertTrue(apply("Alex", true, 8));
    }
}
