package io.presence.protocol;

import java.util.HashMap;
import java.util.Map;

/** An enum constant with a number on the wire; {@link Table} maps numbers back to constants. */
public interface WireCode {

    int code();

    /** Number-to-constant lookup for one enum; {@code null} for a number the enum lacks. */
    final class Table<E extends Enum<E> & WireCode> {
        private final Map<Integer, E> byCode = new HashMap<>();

        public Table(E[] values) {
            for (E value : values) {
                byCode.put(value.code(), value);
            }
        }

        public E find(int code) {
            return byCode.get(code);
        }
    }
}
