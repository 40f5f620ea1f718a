package io.presence.node.internal.session;

import io.presence.node.internal.session.MessageRate.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The message rate on a millisecond clock that the test moves: the burst, the refill, the warning, the close. */
@Tag("unit")
class MessageRateTest {

    @Test
    void aBurstIsTakenThenTheExcessIsDroppedWithOneWarning() {
        MessageRate rate = new MessageRate(10, 3, 0);
        assertEquals(Verdict.TAKEN, rate.admit(0));
        assertEquals(Verdict.TAKEN, rate.admit(0));
        assertEquals(Verdict.TAKEN, rate.admit(0));
        assertEquals(Verdict.DROPPED_WITH_WARNING, rate.admit(0));
        assertEquals(Verdict.DROPPED, rate.admit(1));
        assertEquals(Verdict.DROPPED, rate.admit(2));
    }

    @Test
    void tokensComeBackAtTheRateAndNeverPastTheBurst() {
        MessageRate rate = new MessageRate(10, 2, 0);
        rate.admit(0);
        rate.admit(0);
        assertEquals(Verdict.DROPPED_WITH_WARNING, rate.admit(50));
        assertEquals(Verdict.TAKEN, rate.admit(100), "10 a second: one token after 100 ms");
        assertEquals(Verdict.DROPPED, rate.admit(150));
        // a long quiet spell refills the bucket to the burst, no further
        assertEquals(Verdict.TAKEN, rate.admit(60_000));
        assertEquals(Verdict.TAKEN, rate.admit(60_000));
        assertEquals(Verdict.DROPPED_WITH_WARNING, rate.admit(60_000));
    }

    @Test
    void aClientThatKeepsSendingPastTheRateForASecondsWorthIsClosed() {
        MessageRate rate = new MessageRate(5, 1, 0);
        rate.admit(0);
        assertEquals(Verdict.DROPPED_WITH_WARNING, rate.admit(1));
        for (int i = 0; i < 4; i++) {
            assertEquals(Verdict.DROPPED, rate.admit(2 + i));
        }
        assertEquals(Verdict.CLOSE, rate.admit(10), "the sixth drop within a second, at 5 a second");
    }

    @Test
    void aSecondWithoutDropsStartsTheCountAgain() {
        MessageRate rate = new MessageRate(2, 1, 0);
        rate.admit(0);
        assertEquals(Verdict.DROPPED_WITH_WARNING, rate.admit(1));
        assertEquals(Verdict.DROPPED, rate.admit(2));
        // more than a second after the last drop: the count starts again, with a fresh warning
        assertEquals(Verdict.TAKEN, rate.admit(1_500));
        assertEquals(Verdict.DROPPED_WITH_WARNING, rate.admit(1_500));
        assertEquals(Verdict.DROPPED, rate.admit(1_501));
    }
}
