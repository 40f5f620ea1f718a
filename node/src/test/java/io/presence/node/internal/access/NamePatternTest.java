package io.presence.node.internal.access;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.presence.protocol.testing.PropertyCheck.property;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

@Tag("unit")
class NamePatternTest {

    @Test
    void wildcardsAndVariablesMatchAsInDeepstreamsPaths() {
        assertArrayEquals(new String[0], NamePattern.compile("*").match(""));
        assertArrayEquals(new String[0], NamePattern.compile("user-*").match("user-a/b"));
        assertNull(NamePattern.compile("user-*").match("admin"));
        assertArrayEquals(new String[] {"red", "ann"}, NamePattern.compile("team-$team/$who").match("team-red/ann"));
        assertNull(NamePattern.compile("team-$team/$who").match("team-/ann"), "a variable takes at least one character");
        assertNull(NamePattern.compile("team-$team").match("team-a/b"), "a variable takes no /");
        assertEquals(java.util.List.of("$team", "$who"), NamePattern.compile("team-$team/$who").variables());
    }

    /** What the patterns meant before: a greedy regular expression, its groups the variables. */
    private static String[] byRegex(String path, String name) {
        StringBuilder regex = new StringBuilder("^");
        Matcher v = Pattern.compile("\\$[a-zA-Z0-9]+").matcher(path);
        int at = 0;
        while (v.find()) {
            regex.append(quoted(path.substring(at, v.start()))).append("([^/]+)");
            at = v.end();
        }
        regex.append(quoted(path.substring(at))).append('$');
        Matcher m = Pattern.compile(regex.toString()).matcher(name);
        if (!m.matches()) {
            return null;
        }
        String[] values = new String[m.groupCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = m.group(i + 1);
        }
        return values;
    }

    private static String quoted(String literal) {
        StringBuilder out = new StringBuilder();
        for (char c : literal.toCharArray()) {
            out.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return out.toString();
    }

    private record Case(String path, String name) {
    }

    private static String from(Random random, String alphabet, int max) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void everyPatternMatchesAndCapturesAsTheRegularExpressionItReplaces() {
        property("name patterns agree with greedy regular expressions").tries(20_000).within(Duration.ofSeconds(10))
                .forAll(random -> {
                    StringBuilder path = new StringBuilder();
                    int parts = random.nextInt(5);
                    for (int i = 0; i < parts; i++) {
                        switch (random.nextInt(3)) {
                            case 0 -> path.append('*');
                            case 1 -> path.append("$v").append(i);
                            default -> path.append(from(random, "ab/-", 2));
                        }
                    }
                    return new Case(path.toString(), from(random, "ab/-", 8));
                }, c -> {
                    String[] expected = byRegex(c.path(), c.name());
                    String[] actual = NamePattern.compile(c.path()).match(c.name());
                    assertEquals(Arrays.toString(expected), Arrays.toString(actual), c.toString());
                });
    }

    @Test
    void manyWildcardsAgainstALongNameThatAlmostMatchesTakeLinearTime() {
        // a backtracking regex needs about n^5 steps here: years for 65,536 characters
        NamePattern pattern = NamePattern.compile("a*a*a*a*a*b");
        String name = "a".repeat(65_536);
        assertNull(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> pattern.match(name)));
        NamePattern variables = NamePattern.compile("$a-$b-$c-$d-x");
        assertNull(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> variables.match("-".repeat(65_536))));
    }
}
