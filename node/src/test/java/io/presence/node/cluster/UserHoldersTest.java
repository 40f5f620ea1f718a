package io.presence.node.cluster;

import com.hazelcast.map.ExtendedMapEntry;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of an entry's transitions, on an entry of the test's own. */
class UserHoldersTest {

    /** A map entry as an entry processor sees it, remembering the time to live it was given. */
    private static final class Entry implements ExtendedMapEntry<String, UserHolders> {
        UserHolders value;
        long ttlMillis = -1;

        @Override
        public String getKey() {
            return "Alex";
        }

        @Override
        public UserHolders getValue() {
            return value;
        }

        @Override
        public UserHolders setValue(UserHolders v) {
            return setValue(v, -1, TimeUnit.MILLISECONDS);
        }

        @Override
        public UserHolders setValue(UserHolders v, long ttl, TimeUnit unit) {
            UserHolders old = value;
            value = v;
            ttlMillis = unit.toMillis(ttl);
            return old;
        }

        @Override
        public UserHolders setValueWithoutChangingExpiryTime(UserHolders v) {
            UserHolders old = value;
            value = v;
            return old;
        }
    }

    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();
    private final Entry entry = new Entry();

    @Test
    void theFirstHolderLogsInAndTheLastToLetGoLogsOutLeavingATombstoneThatExpires() {
        Change login = UserHolders.hold(entry, a, 100);
        assertTrue(login.toPresenceChange(0).online());
        assertEquals(100, login.toPresenceChange(0).version());
        assertEquals(0, entry.ttlMillis, "an online user's entry stays");
        assertNull(UserHolders.hold(entry, b, 150), "a second holder changes nothing");
        assertNull(UserHolders.release(entry, a::equals, 160));
        Change logout = UserHolders.release(entry, b::equals, 170);
        assertFalse(logout.toPresenceChange(0).online());
        assertEquals(170, logout.toPresenceChange(0).version());
        assertTrue(entry.value.isTombstone());
        assertEquals(UserHolders.TOMBSTONE_MILLIS, entry.ttlMillis);
        assertNull(UserHolders.release(entry, b::equals, 180), "nothing more to let go");
    }

    @Test
    void aLoginProposedBeforeALogoutButRunAfterItStillComesAfterIt() {
        UserHolders.hold(entry, a, 100);
        Change logout = UserHolders.release(entry, a::equals, 500);
        // a hold sent at 400 waited (a partition was being repaired) and runs now
        Change login = UserHolders.hold(entry, b, 400);
        assertTrue(login.toPresenceChange(0).version() > logout.toPresenceChange(0).version(),
                "otherwise every node would drop the login as older than the logout");
        assertEquals(0, entry.ttlMillis);
    }
}
