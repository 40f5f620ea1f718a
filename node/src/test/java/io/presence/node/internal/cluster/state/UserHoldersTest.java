package io.presence.node.internal.cluster.state;

import com.hazelcast.map.ExtendedMapEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of an entry's transitions, on an entry of the test's own. */
@Tag("unit")
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

    /**
     * Hazelcast retries an entry processor on a partition's new owner when the old owner applied it
     * (and its backup) but died before answering: the retry finds the entry changed by itself, and
     * must be told that transition again, or its sender never publishes it nor sends its event.
     */
    @Test
    void aRetriedRequestThatAlreadyMadeItsTransitionIsToldItAgainAndRecordsNothingTwice() {
        UUID sender = a;
        Change login = UserHolders.hold(entry, a, 100, sender);
        Change retried = UserHolders.hold(entry, a, 100, sender);
        assertNotNull(retried, "the retry of the login's request is told the login");
        assertEquals(List.of(login.username(), login.online(), login.version(), login.behind()),
                List.of(retried.username(), retried.online(), retried.version(), retried.behind()));
        Change askedAgain = UserHolders.hold(entry, a, 101, sender);
        assertNotNull(askedAgain, "the holder asking again with a new request (it never learnt the answer: a timeout, a "
                + "backup that never acknowledged) is told its login while the login's event is undelivered");
        assertEquals(login.version(), askedAgain.version());
        assertNull(UserHolders.hold(entry, b, 100, sender), "another member's request with the same clock made nothing");
        assertNull(UserHolders.hold(entry, b, 100, sender), "nor does its retry");

        assertNull(UserHolders.release(entry, b::equals, 200, sender), "a still holds");
        Change logout = UserHolders.release(entry, a::equals, 300, sender);
        Change retriedLogout = UserHolders.release(entry, a::equals, 300, sender);
        assertNotNull(retriedLogout, "the retry of the logout's request is told the logout");
        assertEquals(List.of(logout.online(), logout.version(), logout.behind()),
                List.of(retriedLogout.online(), retriedLogout.version(), retriedLogout.behind()));
        assertEquals(logout.version(), UserHolders.release(entry, a::equals, 301, sender).version(),
                "a release asked again with a new request is told the logout while its event is undelivered");
        assertEquals(List.of(login.version(), logout.version()),
                entry.value.pending().stream().map(UserHolders.PendingEvent::version).toList(),
                "one webhook event per transition, however often it was told");
        UserHolders.delivered(entry, login.version());
        UserHolders.delivered(entry, logout.version());
        assertNull(UserHolders.release(entry, a::equals, 302, sender), "once delivered, asking again changes nothing");
        assertNull(UserHolders.release(entry, b::equals, 303, b), "nor does another member asking");
    }

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
    void aTransitionIsDatedWhenTheOwnerDecidedItNotByTheClockOfWhoAsked() {
        // asked by a node whose clock runs two minutes ahead, decided at 1,000,000 us of the cluster's clock
        long ahead = 1_000_000 + 120_000_000;
        Change login = UserHolders.hold(entry, a, ahead, 1_000_000, null);
        assertEquals(1_000_000, login.toPresenceChange(0).version());
        assertNotNull(UserHolders.hold(entry, a, ahead, 1_000_500, null), "its retry is still recognised by the request");
        Change logout = UserHolders.release(entry, a::equals, ahead + 10, 1_000_700, null);
        assertEquals(1_000_700, logout.toPresenceChange(0).version());
        // once the tombstone is gone, a login asked with a true clock is still newer than that logout
        entry.value = null;
        Change next = UserHolders.hold(entry, b, 1_002_000, 1_002_000, null);
        assertTrue(next.toPresenceChange(0).version() > logout.toPresenceChange(0).version());
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

    @Test
    void withWebhooksEachTransitionWaitsInTheEntryUntilDeliveredAndKeepsAnOfflineEntryThatLong() {
        Change login = UserHolders.hold(entry, a, 100, a);
        assertFalse(login.behind(), "nothing older waits");
        Change logout = UserHolders.release(entry, a::equals, 200, b);
        assertTrue(logout.behind(), "the login is still undelivered");
        assertEquals(List.of(new UserHolders.PendingEvent(100, true, a), new UserHolders.PendingEvent(200, false, b)),
                entry.value.pending());
        assertEquals(UserHolders.PENDING_MILLIS, entry.ttlMillis, "an offline user's entry stays while events wait");
        assertEquals(100, entry.value.oldestPending());

        UserHolders.delivered(entry, 100);
        assertEquals(200, entry.value.oldestPending(), "the logout is next");
        UserHolders.delivered(entry, 200);
        assertEquals(-1, entry.value.oldestPending());
        assertEquals(UserHolders.TOMBSTONE_MILLIS, entry.ttlMillis, "a plain tombstone again");
        assertTrue(entry.value.isTombstone());
    }

    @Test
    void theEventsOfASenderThatLeftGoToTheTakerInTheirOrderAndNoOthers() {
        UUID taker = UUID.randomUUID();
        UserHolders.hold(entry, a, 100, a);
        UserHolders.release(entry, a::equals, 200, b);
        UserHolders.hold(entry, b, 300, a);
        List<UserHolders.PendingEvent> taken = UserHolders.takeOver(entry, a::equals, taker);
        assertEquals(List.of(new UserHolders.PendingEvent(100, true, taker), new UserHolders.PendingEvent(300, true, taker)), taken);
        assertEquals(List.of(taker, b, taker), entry.value.pending().stream().map(UserHolders.PendingEvent::sender).toList());
        assertEquals(List.of(), UserHolders.takeOver(entry, a::equals, taker), "taken once");
        assertFalse(entry.value.isTombstone(), "the user is online; the entry stays for good");
        assertEquals(0, entry.ttlMillis);
    }

    @Test
    void withoutWebhooksNothingIsRecorded() {
        UserHolders.hold(entry, a, 100, null);
        UserHolders.release(entry, a::equals, 200, null);
        assertEquals(List.of(), entry.value.pending());
        assertEquals(UserHolders.TOMBSTONE_MILLIS, entry.ttlMillis);
    }

    @Test
    void aUserKeepsAtMostItsNewestUndeliveredEvents() {
        for (int i = 0; i < UserHolders.MAX_PENDING + 10; i++) {
            UserHolders.hold(entry, a, 1000 + 2L * i, a);
            UserHolders.release(entry, a::equals, 1001 + 2L * i, a);
        }
        List<UserHolders.PendingEvent> pending = entry.value.pending();
        assertEquals(UserHolders.MAX_PENDING, pending.size());
        assertEquals(1001 + 2L * (UserHolders.MAX_PENDING + 9), pending.get(pending.size() - 1).version(), "the newest kept");
    }
}
