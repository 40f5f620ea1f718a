package io.presence.node.internal.presence;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class PresenceViewTest {

    private final PresenceView view = new PresenceView();
    private long now = 1_000;

    private boolean apply(String name, boolean online, long version) {
        return view.apply(new PresenceChange(name, online, version), now);
    }

    private Set<String> online() {
        return Set.copyOf(view.snapshot().names());
    }

    @Test
    void aLateOlderChangeIsDropped() {
        assertTrue(apply("Alex", true, 1));
        assertTrue(apply("Alex", false, 3));
        assertFalse(apply("Alex", true, 2));
        assertFalse(view.isOnline("Alex"));
        assertEquals(Set.of(), online());
    }

    @Test
    void aNewerChangeToTheSameStateIsNotDeliveredAgain() {
        assertTrue(apply("Alex", true, 1));
        assertFalse(apply("Alex", true, 3));
        assertEquals(3, view.last("Alex").version());
        assertTrue(apply("Alex", false, 4));
    }

    @Test
    void aLeaveOfSomeoneNeverSeenIsRememberedButNotDelivered() {
        assertFalse(apply("Alex", false, 5));
        assertFalse(apply("Alex", true, 4), "an older join cannot resurrect the user");
        assertFalse(view.isOnline("Alex"));
    }

    @Test
    void theSnapshotFollowsTheViewAndIsKeptWhileNothingChanges() {
        apply("Alex", true, 1);
        apply("Ben", true, 1);
        OnlineSnapshot first = view.snapshot();
        assertEquals(Set.of("Alex", "Ben"), Set.copyOf(first.names()));
        assertSame(first, view.snapshot(), "unchanged: the same snapshot");
        apply("Ben", true, 2);
        assertSame(first, view.snapshot(), "a newer version of the same state changes nothing");
        apply("Ben", false, 3);
        OnlineSnapshot second = view.snapshot();
        assertNotEquals(first.id(), second.id());
        assertEquals(List.of("Alex"), second.names());
        assertEquals(0, second.positionOf("Alex"));
        assertEquals(-1, second.positionOf("Ben"));
        assertEquals(-1, second.positionOf(null));
    }

    @Test
    void leavesArePrunedAfterTheTombstoneWindowAndJoinsAreKept() {
        apply("Alex", true, 1);
        apply("Ben", true, 1);
        apply("Ben", false, 2);
        now += PresenceView.LEAVE_MEMORY_MILLIS + 1;
        view.forgetOldLeaves(now);
        assertNull(view.last("Ben"));
        assertTrue(view.isOnline("Alex"));
    }

    @Test
    void aCorrectionFlipsTheStateAtTheSameVersion() {
        apply("Alex", true, 7);
        assertFalse(view.correct("Alex", now));
        assertEquals(7, view.last("Alex").version());
        assertEquals(Set.of(), online());
        assertFalse(apply("Alex", true, 7), "the same version is not newer");
        assertTrue(apply("Alex", true, 8));
    }
}
