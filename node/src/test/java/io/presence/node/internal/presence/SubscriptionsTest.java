package io.presence.node.internal.presence;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class SubscriptionsTest {

    private final Subscriptions subscriptions = new Subscriptions();
    private final PresenceListener a = (name, online, scope, decidedAt) -> { };
    private final PresenceListener b = (name, online, scope, decidedAt) -> { };

    private List<String> targets(String username) {
        List<String> out = new ArrayList<>();
        subscriptions.forEachTarget(username, (listener, scope) -> out.add((listener == a ? "a " : "b ") + scope));
        return out;
    }

    @Test
    void everyoneSubscribersComeBeforeNamedOnes() {
        subscriptions.subscribe(a, List.of("Alex"));
        subscriptions.subscribeAll(b);
        subscriptions.subscribeAll(a);
        assertEquals(List.of("b EVERYONE", "a EVERYONE", "a NAMED"), targets("Alex"));
        assertEquals(List.of("b EVERYONE", "a EVERYONE"), targets("Ben"));
    }

    @Test
    void subscribingTwiceReportsWhatWasAlreadySubscribed() {
        assertTrue(subscriptions.subscribeAll(a));
        assertFalse(subscriptions.subscribeAll(a));
        assertEquals(List.of(), subscriptions.subscribe(a, List.of("Alex", "Ben", "Alex")));
        assertEquals(List.of("Ben"), subscriptions.subscribe(a, List.of("Ben", "Carl")));
        assertEquals(4, subscriptions.count());
    }

    @Test
    void unsubscribingReportsWhatWasNotSubscribed() {
        subscriptions.subscribe(a, List.of("Alex"));
        assertEquals(List.of("Ben"), subscriptions.unsubscribe(a, List.of("Alex", "Ben")));
        assertFalse(subscriptions.unsubscribeAll(a));
        assertEquals(List.of(), targets("Alex"));
        assertEquals(0, subscriptions.count());
    }

    @Test
    void removingAListenerDropsAllItsSubscriptionsAndNoOneElses() {
        subscriptions.subscribeAll(a);
        subscriptions.subscribe(a, List.of("Alex", "Ben"));
        subscriptions.subscribe(b, List.of("Alex"));
        subscriptions.remove(a);
        assertEquals(List.of("b NAMED"), targets("Alex"));
        assertEquals(List.of(), targets("Ben"));
        assertEquals(1, subscriptions.count());
    }
}
