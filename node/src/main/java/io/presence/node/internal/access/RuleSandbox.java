package io.presence.node.internal.access;

import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.introspection.JexlPermissions;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JEXL engine that runs permission rules, with nothing reachable but what a rule over a user
 * and a name needs: the string methods deepstream's rules may call, reading maps and lists, and
 * {@code match}. No class, constructor, field or other method: a rule cannot reach the JVM.
 */
final class RuleSandbox {

    private static final Set<String> STRING_METHODS = Set.of("startsWith", "endsWith", "indexOf", "lastIndexOf",
            "contains", "toUpperCase", "toLowerCase", "trim", "length", "isEmpty", "equals", "substring");
    private static final Set<String> COLLECTION_METHODS = Set.of("get", "containsKey", "contains", "size", "isEmpty");

    /**
     * What a rule calls as {@code fn:match(text, pattern, flags)}: JavaScript's match, true when
     * found. The text is a stranger's (a name), the pattern the operator's: a pattern that
     * backtracks without end on some text gives up after {@link #MAX_READS} characters read, and
     * the rule fails (the request is answered with a permission error) instead of taking a thread.
     */
    public static final class Functions {
        static final int MAX_READS = 1_000_000;
        /** Compiled patterns by flags and source; rules name few, so it stays small (cleared if not). */
        private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

        public static boolean match(Object text, String pattern, String flags) {
            if (text == null) {
                return false;
            }
            int options = flags != null && flags.contains("i") ? Pattern.CASE_INSENSITIVE : 0;
            if (COMPILED.size() > 1000) {
                COMPILED.clear();
            }
            Pattern compiled = COMPILED.computeIfAbsent(options + "/" + pattern, k -> Pattern.compile(pattern, options));
            return compiled.matcher(new BoundedText(text.toString())).find();
        }
    }

    /** Text that a regular expression may read {@link Functions#MAX_READS} characters of, no more. */
    private static final class BoundedText implements CharSequence {
        private final String text;
        private final int[] reads;

        BoundedText(String text) {
            this(text, new int[1]);
        }

        private BoundedText(String text, int[] reads) {
            this.text = text;
            this.reads = reads;
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > Functions.MAX_READS) {
                throw new IllegalStateException("the regular expression read more than " + Functions.MAX_READS
                        + " characters of a " + text.length() + "-character name; it backtracks too much");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedText(text.substring(start, end), reads);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final JexlPermissions ONLY_RULES = new JexlPermissions() {
        @Override
        public boolean allow(Class<?> type) {
            return type == String.class || type == Functions.class || Map.class.isAssignableFrom(type)
                    || Collection.class.isAssignableFrom(type) || type == Boolean.class || Number.class.isAssignableFrom(type);
        }

        @Override
        public boolean allow(Constructor<?> constructor) {
            return false;
        }

        @Override
        public boolean allow(Field field) {
            return false;
        }

        @Override
        public boolean allow(Method method) {
            Class<?> type = method.getDeclaringClass();
            if (type == String.class) {
                return STRING_METHODS.contains(method.getName());
            }
            if (type == Functions.class) {
                return method.getName().equals("match");
            }
            return (Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type))
                    && COLLECTION_METHODS.contains(method.getName());
        }

        @Override
        public boolean allow(Package pack) {
            return pack == null || pack.getName().equals("java.lang") || pack.getName().equals("java.util")
                    || pack.getName().equals(RuleSandbox.class.getPackageName());
        }

        @Override
        public JexlPermissions compose(String... src) {
            return this;
        }
    };

    /** Expressions only: no assignment, loop, lambda, local variable, new object or pragma. */
    private static final JexlFeatures ONLY_EXPRESSIONS = new JexlFeatures()
            .sideEffect(false).sideEffectGlobal(false).loops(false).lambda(false).localVar(false)
            .newInstance(false).pragma(false).annotation(false);

    static final JexlEngine ENGINE = new JexlBuilder()
            .features(ONLY_EXPRESSIONS)
            .permissions(ONLY_RULES)
            .namespaces(Map.of("fn", Functions.class))
            .strict(true)
            .silent(false)
            .safe(false)
            .cache(512)
            .create();

    private static final String OPERAND = "([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)";
    /** {@code x.match(/re/flags)}: a JavaScript regular expression literal. */
    private static final Pattern MATCH_LITERAL = Pattern.compile(OPERAND + "\\.match\\(\\s*/((?:\\\\.|[^/\\\\])*)/([a-z]*)\\s*\\)");
    /** {@code x.match('re')} or {@code x.match("re")}. */
    private static final Pattern MATCH_STRING = Pattern.compile(OPERAND + "\\.match\\(\\s*('(?:\\\\.|[^'\\\\])*'|\"(?:\\\\.|[^\"\\\\])*\")\\s*\\)");

    private RuleSandbox() {
    }

    /**
     * A rule's text as JEXL reads it: deepstream's rules are JavaScript, and two of the string
     * methods they may call have no Java namesake ({@code includes}, and {@code match} with its
     * regular expression literal).
     */
    static String toJexl(String rule) {
        String text = rule.replace(".includes(", ".contains(");
        text = replace(MATCH_LITERAL, text, m -> "fn:match(" + m.group(1) + ", " + quote(m.group(2)) + ", '" + m.group(3) + "')");
        // a string literal is written alike in both languages
        return replace(MATCH_STRING, text, m -> "fn:match(" + m.group(1) + ", " + m.group(2) + ", '')");
    }

    private static String replace(Pattern pattern, String text, Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A JEXL string literal holding a regular expression literal's text as it is, backslashes included. */
    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
