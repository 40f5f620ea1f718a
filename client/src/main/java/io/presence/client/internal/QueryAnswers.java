package io.presence.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the {@code data} of a QUERY_RESPONSE: a JSON object from username to boolean. */
final class QueryAnswers {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private QueryAnswers() {
    }

    static Map<String, Boolean> parse(String json) throws IOException {
        Map<String, Boolean> answer = new LinkedHashMap<>();
        if (json == null) {
            return answer;
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a query answer must be a JSON object: " + json);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!value.isBoolean()) {
                    throw new IOException("a query answer maps names to booleans: " + json);
                }
                answer.put(name, value == JsonToken.VALUE_TRUE);
            }
        }
        return answer;
    }
}
