package io.presence.protocol.testing;

import io.presence.protocol.JsonText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generators for property checks: strings that stress encoders (quotes, escapes, control
 * characters, characters outside the BMP), JSON values, and broken variants of valid frames.
 */
public final class RandomInput {

    private static final String TRICKY = "\"\\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u4e2d\u2028{}[]:,%_";
    private static final int[] ASTRAL = {0x1F600, 0x1F4A9, 0x10437, 0x1D11E};

    private RandomInput() {
    }

    /** A string of up to {@code maxLength} code points, often with characters encoders must escape. */
    public static String text(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(4)) {
                case 0 -> s.append(TRICKY.charAt(random.nextInt(TRICKY.length())));
                case 1 -> s.appendCodePoint(ASTRAL[random.nextInt(ASTRAL.length)]);
                default -> s.append((char) ('a' + random.nextInt(26)));
            }
        }
        return s.toString();
    }

    /** A non-empty string (usernames, correlation ids). */
    public static String nonEmptyText(Random random, int maxLength) {
        String s = text(random, maxLength);
        return s.isEmpty() ? "x" : s;
    }

    public static List<String> texts(Random random, int maxCount, int maxLength) {
        List<String> list = new ArrayList<>();
        int count = random.nextInt(maxCount + 1);
        for (int i = 0; i < count; i++) {
            list.add(nonEmptyText(random, maxLength));
        }
        return list;
    }

    /** A JSON value (as Java objects): strings, numbers, booleans, null, nested maps and lists. */
    public static Object jsonValue(Random random, int depth) {
        int kind = random.nextInt(depth <= 0 ? 5 : 7);
        return switch (kind) {
            case 0 -> text(random, 12);
            case 1 -> random.nextInt();
            case 2 -> random.nextBoolean();
            case 3 -> random.nextDouble() * 1e6;
            case 4 -> null;
            case 5 -> jsonObject(random, depth - 1);
            default -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(jsonValue(random, depth - 1));
                }
                yield list;
            }
        };
    }

    public static Map<String, Object> jsonObject(Random random, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            map.put(text(random, 8), jsonValue(random, depth));
        }
        return map;
    }

    /** JSON text of a random object. */
    public static String jsonObjectText(Random random) {
        return JsonText.write(jsonObject(random, 2));
    }

    public static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** {@code valid} broken in one random way: bytes flipped, cut short, lengthened, or spliced. */
    public static byte[] mutate(Random random, byte[] valid) {
        byte[] copy = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(3); i > 0 && copy.length > 0; i--) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> copy = java.util.Arrays.copyOf(copy, copy.length == 0 ? 0 : random.nextInt(copy.length));
            case 2 -> {
                byte[] tail = bytes(random, 16);
                copy = java.util.Arrays.copyOf(copy, copy.length + tail.length);
                System.arraycopy(tail, 0, copy, valid.length, tail.length);
            }
            default -> {
                if (copy.length > 0) {
                    int at = random.nextInt(copy.length);
                    copy[at] = (byte) random.nextInt(256);
                }
            }
        }
        return copy;
    }
}
