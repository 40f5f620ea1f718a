package io.presence.protocol.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.presence.protocol.testing.PropertyCheck.property;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class PropertyCheckTest {

    @Test
    void aPropertyThatHoldsRunsEveryTry() {
        AtomicInteger runs = new AtomicInteger();
        property("holds").tries(300).within(Duration.ofSeconds(10)).forAll(r -> r.nextInt(), i -> runs.incrementAndGet());
        assertEquals(300, runs.get());
    }

    @Test
    void aFailingListIsShrunkToTheElementsThatMatterAndTheSeedIsGiven() {
        AssertionError error = assertThrows(AssertionError.class, () -> property("no 7 after a 3")
                .tries(1000).forAllLists(r -> {
                    List<Integer> list = new ArrayList<>();
                    for (int i = 0; i < 30; i++) {
                        list.add(r.nextInt(10));
                    }
                    return list;
                }, list -> {
                    int three = list.indexOf(3);
                    if (three >= 0 && list.subList(three, list.size()).contains(7)) {
                        throw new IllegalStateException("found");
                    }
                }));
        assertTrue(error.getMessage().contains("input: [3, 7]"), error.getMessage());
        assertTrue(error.getMessage().contains("-Dproperty.seed="), error.getMessage());
        assertTrue(error.getCause() instanceof IllegalStateException);
    }

    @Test
    void theTimeBudgetEndsARunEarly() {
        AtomicInteger runs = new AtomicInteger();
        property("slow").tries(100_000).within(Duration.ofMillis(200)).forAll(r -> r.nextInt(), i -> {
            runs.incrementAndGet();
            long start = System.nanoTime();
            while (System.nanoTime() - start < 1_000_000) {
                Thread.onSpinWait(); // a property that takes a millisecond of work
            }
        });
        assertTrue(runs.get() < 1_000 && runs.get() > 0, "ran " + runs.get());
    }
}
