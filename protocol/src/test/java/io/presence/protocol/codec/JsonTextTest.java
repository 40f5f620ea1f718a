package io.presence.protocol.codec;

import io.presence.protocol.JsonText;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Tag("unit")
class JsonTextTest {

    @Test
    void writesNestedPlainValuesInOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("username", "Al\"ex");
        value.put("age", 7);
        value.put("tags", List.of("a", true, 1.5));
        value.put("none", null);
        assertEquals("{\"username\":\"Al\\\"ex\",\"age\":7,\"tags\":[\"a\",true,1.5],\"none\":null}", JsonText.write(value));
    }

    @Test
    void refusesWhatIsNotPlainData() {
        assertThrows(IllegalArgumentException.class, () -> JsonText.write(Map.of("x", new Object())));
        assertThrows(IllegalArgumentException.class, () -> JsonText.write(Map.of(1, "x")));
    }

    @Test
    void quotesStrings() {
        assertEquals("\"a\\nb\"", JsonText.quote("a\nb"));
    }
}
