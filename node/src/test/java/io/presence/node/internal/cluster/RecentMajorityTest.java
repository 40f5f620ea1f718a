package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.impl.MemberImpl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RecentMajorityTest {

    private static List<Member> members(int count) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(member());
        }
        return members;
    }

    private static Member member() {
        try {
            return new MemberImpl.Builder(new Address("127.0.0.1", 5701)).uuid(UUID.randomUUID()).build();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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

    @Test
    void aMemberThatLeftGracefullyNoLongerCounts() {
        RecentMajority function = new RecentMajority();
        List<Member> three = members(3);
        assertTrue(function.apply(three));
        // the third is cut off: two of three decide
        assertTrue(function.apply(three.subList(0, 2)));
        // the second stops and says so: the first, alone, is all that is left of the two that decided
        function.departed(three.get(1).getUuid());
        assertTrue(function.apply(three.subList(0, 1)), "one of the two members that did not leave gracefully");
        // the cut-off member heard nothing of it: alone, it is one of three
        RecentMajority cutOff = new RecentMajority();
        assertTrue(cutOff.apply(three));
        assertFalse(cutOff.apply(three.subList(2, 3)), "one of the three it saw");
    }
}
