package io.presence.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Small helpers for {@code data} fields, which always hold JSON text. */
public final class JsonText {

    private JsonText() {
    }

    /** The JSON string literal for {@code text}, quotes included. */
    public static String quote(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"').toString();
    }
}
