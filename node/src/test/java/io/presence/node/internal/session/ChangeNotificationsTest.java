package io.presence.node.internal.session;

import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

@Tag("unit")
class ChangeNotificationsTest {

    @Test
    void everySubscriberOfOneChangeGetsTheSameNotificationEncodedOncePerFormat() {
        ChangeNotifications notifications = new ChangeNotifications();
        Notification first = notifications.of(Action.PRESENCE_JOIN_ALL, "alex", 42);
        assertSame(first, notifications.of(Action.PRESENCE_JOIN_ALL, "alex", 42));
        assertEquals(PresenceMessage.named(Action.PRESENCE_JOIN_ALL, "alex"), first.message());
        // the same change's subscribers to the name get their own kind, and the first one is kept
        Notification named = notifications.of(Action.PRESENCE_JOIN, "alex", 42);
        assertNotSame(first, named);
        assertSame(first, notifications.of(Action.PRESENCE_JOIN_ALL, "alex", 42));

        AtomicInteger encodings = new AtomicInteger();
        for (int subscriber = 0; subscriber < 1000; subscriber++) {
            first.encoded(0, m -> encodings.incrementAndGet() + ":binary");
            first.encoded(1, m -> encodings.incrementAndGet() + ":json");
        }
        assertEquals(2, encodings.get(), "once per format, for a thousand subscribers");
    }

    @Test
    void anotherChangeGetsANotificationOfItsOwn() {
        ChangeNotifications notifications = new ChangeNotifications();
        Notification alex = notifications.of(Action.PRESENCE_JOIN_ALL, "alex", 42);
        assertNotSame(alex, notifications.of(Action.PRESENCE_JOIN_ALL, "bo", 42));
        assertNotSame(alex, notifications.of(Action.PRESENCE_JOIN_ALL, "alex", 43));
        assertEquals(43, notifications.of(Action.PRESENCE_JOIN_ALL, "alex", 43).decidedAt());
    }
}
