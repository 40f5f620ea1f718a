package io.presence.node.internal.presence;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class SeenTwiceTest {

    private final SeenTwice<String> seen = new SeenTwice<>();

    @Test
    void onlyWhatTwoChecksInARowSawIsConfirmed() {
        assertEquals(Set.of(), seen.confirm(Set.of("a", "b")));
        assertEquals(Set.of("b"), seen.confirm(Set.of("b", "c")));
        assertEquals(Set.of("c"), seen.confirm(Set.of("c", "b")), "b was acted on: it starts again");
        assertEquals(Set.of("b"), seen.confirm(Set.of("b")));
    }

    @Test
    void forgettingStartsEverySightingAgain() {
        seen.confirm(Set.of("a"));
        seen.forget();
        assertEquals(Set.of(), seen.confirm(Set.of("a")));
    }
}
