package io.presence.node.internal.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A permissions file's name pattern, {@code *} for any text and {@code $var} for one segment (one
 * or more characters other than {@code /}), matched in time linear in the name for a given pattern.
 * A backtracking regular expression would take time to the power of the wildcards on a name that
 * almost matches ({@code a*b*c*d*} against 128 {@code a}s: about 10^8 steps), and names come from
 * strangers. This runs every possible position of the pattern side by side (a Thompson/Pike
 * simulation), each reading a character once, and keeps the captures a greedy regular expression
 * would give, so that {@code $vars} mean what they meant. Immutable and thread-safe.
 */
final class NamePattern {

    private static final Pattern VARIABLE = Pattern.compile("\\$[a-zA-Z0-9]+");
    private static final char STAR = 0;
    private static final char VAR_FIRST = 1;
    private static final char VAR_MORE = 2;
    private static final char LITERAL = 3;

    /** What each step of the pattern takes: a kind, and for a literal its character. */
    private final char[] kinds;
    private final char[] literals;
    /** For VAR_FIRST and VAR_MORE: which variable. */
    private final int[] variableOf;
    private final List<String> variables;

    private NamePattern(char[] kinds, char[] literals, int[] variableOf, List<String> variables) {
        this.kinds = kinds;
        this.literals = literals;
        this.variableOf = variableOf;
        this.variables = List.copyOf(variables);
    }

    static NamePattern compile(String path) {
        List<String> variables = new ArrayList<>();
        StringBuilder kinds = new StringBuilder();
        StringBuilder literals = new StringBuilder();
        List<Integer> variableOf = new ArrayList<>();
        Matcher v = VARIABLE.matcher(path);
        int at = 0;
        while (v.find()) {
            addWithStars(path.substring(at, v.start()), kinds, literals, variableOf);
            int index = variables.size();
            variables.add(v.group());
            for (char kind : new char[] {VAR_FIRST, VAR_MORE}) {
                kinds.append(kind);
                literals.append('\0');
                variableOf.add(index);
            }
            at = v.end();
        }
        addWithStars(path.substring(at), kinds, literals, variableOf);
        return new NamePattern(kinds.toString().toCharArray(), literals.toString().toCharArray(),
                variableOf.stream().mapToInt(Integer::intValue).toArray(), variables);
    }

    private static void addWithStars(String text, StringBuilder kinds, StringBuilder literals, List<Integer> variableOf) {
        for (char c : text.toCharArray()) {
            boolean star = c == '*';
            if (star && kinds.length() > 0 && kinds.charAt(kinds.length() - 1) == STAR) {
                continue; // ** is *
            }
            kinds.append(star ? STAR : LITERAL);
            literals.append(star ? '\0' : c);
            variableOf.add(-1);
        }
    }

    /** The pattern's variables, {@code $} included, in order. */
    List<String> variables() {
        return variables;
    }

    /**
     * Whether the whole of {@code name} matches; if so, what each variable took (in
     * {@link #variables()} order), else null.
     */
    String[] match(String name) {
        int steps = kinds.length;
        Threads current = new Threads(steps + 1, variables.size());
        Threads next = new Threads(steps + 1, variables.size());
        current.add(0, new int[variables.size() * 2], 0, this);
        for (int i = 0; i < name.length() && current.size > 0; i++) {
            char c = name.charAt(i);
            next.clear();
            for (int t = 0; t < current.size; t++) {
                int pc = current.pcs[t];
                int[] caps = current.caps[t];
                if (pc == steps) {
                    continue;
                }
                switch (kinds[pc]) {
                    case STAR -> next.add(pc, caps, i + 1, this);
                    case LITERAL -> {
                        if (literals[pc] == c) {
                            next.add(pc + 1, caps, i + 1, this);
                        }
                    }
                    case VAR_FIRST -> {
                        if (c != '/') {
                            int[] started = caps.clone();
                            started[2 * variableOf[pc]] = i;
                            next.add(pc + 1, started, i + 1, this);
                        }
                    }
                    default -> { // VAR_MORE
                        if (c != '/') {
                            next.add(pc, caps, i + 1, this);
                        }
                    }
                }
            }
            Threads swap = current;
            current = next;
            next = swap;
        }
        for (int t = 0; t < current.size; t++) {
            if (current.pcs[t] == steps) {
                int[] caps = current.caps[t];
                String[] values = new String[variables.size()];
                for (int k = 0; k < values.length; k++) {
                    values[k] = name.substring(caps[2 * k], caps[2 * k + 1]);
                }
                return values;
            }
        }
        return null;
    }

    /** The positions the pattern may be at after a prefix of the name, in a greedy regex's order of preference. */
    private static final class Threads {
        final int[] pcs;
        final int[][] caps;
        final boolean[] seen;
        int size;

        Threads(int states, int variables) {
            pcs = new int[states];
            caps = new int[states][];
            seen = new boolean[states];
        }

        void clear() {
            Arrays.fill(seen, false);
            size = 0;
        }

        /** Adds {@code pc} and what it reaches without reading ({@code at}: characters read so far). */
        void add(int pc, int[] captures, int at, NamePattern p) {
            if (seen[pc]) {
                return;
            }
            seen[pc] = true;
            if (pc < p.kinds.length && (p.kinds[pc] == STAR || p.kinds[pc] == VAR_MORE)) {
                // greedy: reading one more comes before moving on
                pcs[size] = pc;
                caps[size++] = captures;
                int[] moving = captures;
                if (p.kinds[pc] == VAR_MORE) {
                    moving = captures.clone();
                    moving[2 * p.variableOf[pc] + 1] = at;
                }
                add(pc + 1, moving, at, p);
                return;
            }
            pcs[size] = pc;
            caps[size++] = captures;
        }
    }
}
