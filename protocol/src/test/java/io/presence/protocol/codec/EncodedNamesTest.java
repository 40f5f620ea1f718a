package io.presence.protocol.codec;

import io.presence.protocol.PresenceMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An answer copied from names encoded once is the very frame the codec would encode from scratch. */
@Tag("unit")
class EncodedNamesTest {

    private static final BinaryCodec BINARY = new BinaryCodec();
    private static final JsonCodec JSON = new JsonCodec();

    private static List<String> names(Random random, int count) {
        String[] pieces = {"Alex", "Ben", "ünï", "日本", "q\"uote", "back\\slash", "tab\t", "\u0001ctl", "😀", "x"};
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(pieces[random.nextInt(pieces.length)] + "-" + i + "-" + "y".repeat(random.nextInt(150)));
        }
        return names;
    }

    private static void check(String correlationId, List<String> names, int excluded) {
        List<String> expected = new ArrayList<>(names);
        if (excluded >= 0) {
            expected.remove(excluded);
        }
        PresenceMessage message = PresenceMessage.queryAllResponse(correlationId, expected);
        String where = "correlationId " + correlationId + ", " + names.size() + " names, excluding " + excluded;
        assertArrayEquals(BINARY.encode(message), BINARY.encodeQueryAllResponse(correlationId, BINARY.encodeNames(names), excluded), where);
        assertEquals(JSON.encode(message), JSON.encodeQueryAllResponse(correlationId, JSON.encodeNames(names), excluded), where);
    }

    @Test
    void copiedAnswersEqualEncodedOnesForAnyExclusion() {
        Random random = new Random(7);
        for (int count : new int[] {0, 1, 2, 5, 130, 2_000}) {
            List<String> names = names(random, count);
            for (String correlationId : Arrays.asList(null, "0", "q\"17")) {
                check(correlationId, names, -1);
                if (count > 0) {
                    check(correlationId, names, 0);
                    check(correlationId, names, count - 1);
                    check(correlationId, names, random.nextInt(count));
                }
            }
        }
    }

    @Test
    void theDecodedAnswerHoldsEveryNameButTheExcludedOne() throws Exception {
        List<String> names = List.of("Alex", "Ben", "Carl");
        PresenceMessage decoded = (PresenceMessage) BINARY.decode(BINARY.encodeQueryAllResponse("3", BINARY.encodeNames(names), 1));
        assertEquals(List.of("Alex", "Carl"), decoded.names());
        assertEquals("3", decoded.correlationId());
        PresenceMessage fromJson = (PresenceMessage) JSON.decode(JSON.encodeQueryAllResponse(null, JSON.encodeNames(names), -1));
        assertEquals(names, fromJson.names());
    }
}
