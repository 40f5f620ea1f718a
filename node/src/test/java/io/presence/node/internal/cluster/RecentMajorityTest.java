package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Member;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RecentMajorityTest {

    private static List<Member> members(int count) {
        return Collections.nCopies(count, null);
    }

    @Test
    void aMemberThatLostMostOfTheOthersHasNoMajority() {
        RecentMajority function = new RecentMajority();
        assertTrue(function.apply(members(3)));
        assertTrue(function.apply(members(2)), "two of the three seen: half or more");
        assertFalse(function.apply(members(1)), "one of the three seen within the minute");
    }

    @Test
    void judgingWithoutHazelcastAskingRemembersNothing() {
        RecentMajority function = new RecentMajority();
        assertTrue(function.apply(members(3)));
        long now = System.nanoTime() / 1_000_000;
        // a larger view judged but not seen by Hazelcast: were it remembered, 2 would no longer be half
        assertTrue(function.isMajority(5, now));
        assertTrue(function.apply(members(2)), "two of the three Hazelcast saw");
        assertFalse(function.isMajority(1, now));
    }

    @Test
    void viewsOlderThanTheMemoryNoLongerCount() {
        RecentMajority function = new RecentMajority();
        assertTrue(function.apply(members(5)));
        long later = System.nanoTime() / 1_000_000 + RecentMajority.MEMORY_MILLIS + 1;
        assertTrue(function.isMajority(1, later), "alone for more than the memory: decides again");
    }
}
