package io.presence.node.internal.access;

import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.MapContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence section of a deepstream permissions file, compiled: name patterns ({@code *}
 * for anything, {@code $var} for one segment), each with an {@code allow} rule (and, ours, a
 * {@code disconnect} rule: who may close that user's connections from the server) that is a boolean
 * or an expression over {@code user} (id, isAuthenticated, data: the login's server data),
 * {@code name} (the user asked about), the pattern's {@code $vars}, {@code now} and
 * {@code action}. For a name, the rule of the most specific matching pattern (the longest) decides;
 * a request allowed only by {@code true} is allowed. Immutable and thread-safe; expressions are
 * compiled once, when the file is read.
 */
public final class PresencePermissions {

    private static final Logger LOG = LoggerFactory.getLogger(PresencePermissions.class);

    /** One pattern and one of its rules ({@code type}: allow or disconnect): a boolean, or a compiled expression. */
    private record PathRule(String type, String path, NamePattern pattern, Boolean constant, JexlExpression expression,
                            String source) {
    }

    /** The rule types a presence pattern may have. */
    private static final List<String> RULE_TYPES = List.of("allow", "disconnect");

    private final List<PathRule> rules;
    /** Every rule is {@code true}: nothing to evaluate, ever. */
    private final boolean allowsEverything;

    private PresencePermissions(List<PathRule> rules) {
        this.rules = List.copyOf(rules);
        List<PathRule> allow = rules.stream().filter(r -> r.type().equals("allow")).toList();
        this.allowsEverything = !allow.isEmpty() && allow.stream().allMatch(r -> Boolean.TRUE.equals(r.constant()))
                && allow.stream().anyMatch(r -> r.path().equals("*"));
    }

    /**
     * What a node without a permissions file does: every presence request is allowed, and no one
     * may disconnect users (that takes a {@code disconnect} rule in a permissions file).
     */
    public static PresencePermissions allowAll() {
        return new PresencePermissions(List.of(new PathRule("allow", "*", NamePattern.compile("*"), true, null, "true")));
    }

    /**
     * Compiles the presence section of a permissions file (the whole file, parsed: other sections,
     * for records, events and RPCs, are deepstream's and ignored). A file without a presence
     * section denies every presence request, as deepstream does.
     *
     * @throws PermissionsException listing every problem found
     */
    public static PresencePermissions compile(String source, Object file) {
        List<String> problems = new ArrayList<>();
        List<PathRule> rules = new ArrayList<>();
        if (!(file instanceof Map<?, ?> sections)) {
            throw new PermissionsException(source, List.of("the file must hold a map of sections (presence, record, ...)"));
        }
        Object presence = sections.get("presence");
        if (presence == null) {
            LOG.atWarn().log(() -> source + " has no presence section: every presence request is denied");
        } else if (!(presence instanceof Map<?, ?> paths)) {
            problems.add("presence must be a map from name patterns to rules");
        } else {
            paths.forEach((path, ruleSet) -> compile(String.valueOf(path), ruleSet, rules, problems));
        }
        if (!problems.isEmpty()) {
            throw new PermissionsException(source, problems);
        }
        return new PresencePermissions(rules);
    }

    private static void compile(String path, Object ruleSet, List<PathRule> rules, List<String> problems) {
        if (path.isEmpty() || path.startsWith("/")) {
            problems.add("presence pattern '" + path + "' must not be empty nor start with /");
            return;
        }
        if (!(ruleSet instanceof Map<?, ?> ruleMap)) {
            problems.add("presence '" + path + "' must map rule types to rules, e.g. allow: true");
            return;
        }
        for (Object type : ruleMap.keySet()) {
            if (!RULE_TYPES.contains(type)) {
                problems.add("presence '" + path + "': unknown rule type '" + type + "' (presence has allow and disconnect)");
            }
        }
        NamePattern compiledPath = NamePattern.compile(path);
        for (String type : RULE_TYPES) {
            Object rule = ruleMap.get(type);
            if (rule instanceof Boolean b) {
                rules.add(new PathRule(type, path, compiledPath, b, null, b.toString()));
            } else if (rule instanceof String text) {
                String problem = unsupported(text);
                if (problem != null) {
                    problems.add("presence '" + path + "': " + problem);
                    continue;
                }
                try {
                    JexlExpression expression = RuleSandbox.ENGINE.createExpression(RuleSandbox.toJexl(text));
                    rules.add(new PathRule(type, path, compiledPath, null, expression, text));
                } catch (JexlException e) {
                    problems.add("presence '" + path + "': cannot read " + type + " rule '" + text + "': " + e.getMessage());
                }
            } else if (rule != null) {
                problems.add("presence '" + path + "': " + type + " must be true, false or an expression, not " + rule);
            }
        }
    }

    /** What deepstream's rules may do and these cannot: load records, define functions. */
    private static String unsupported(String rule) {
        if (rule.matches("(?s).*(^|[^\\w$])_\\s*\\(.*")) {
            return "cross-references _() load records, which this server does not have";
        }
        if (rule.contains("=>") || rule.matches("(?s).*(^|[^\\w$])(function|new)([^\\w$]|$).*")) {
            return "rules may not define functions or create objects";
        }
        return null;
    }

    /** Every request of every kind is allowed: callers may skip per-name checks. */
    public boolean allowsEverything() {
        return allowsEverything;
    }

    /**
     * Of {@code names}, those {@code who} may ask {@code action} about, in their order: the list
     * itself when the rules allow everything, else a new one.
     */
    public List<String> allowedOf(Requester who, PresenceAction action, List<String> names) {
        if (allowsEverything && action != PresenceAction.DISCONNECT) {
            return names;
        }
        List<String> allowed = new ArrayList<>();
        for (String name : names) {
            if (check(who, action, name) == Decision.ALLOWED) {
                allowed.add(name);
            }
        }
        return allowed;
    }

    /**
     * Decides one request for one name; {@code name} is null for SUBSCRIBE_ALL and QUERY_ALL,
     * which only patterns matching the empty name (such as {@code *}) decide.
     */
    public Decision check(Requester who, PresenceAction action, String name) {
        if (allowsEverything && action != PresenceAction.DISCONNECT) {
            return Decision.ALLOWED;
        }
        String type = action.ruleType();
        String subject = name == null ? "" : name;
        PathRule winner = null;
        String[] winnerValues = null;
        for (PathRule rule : rules) {
            if (!rule.type().equals(type) || (winner != null && rule.path().length() < winner.path().length())) {
                continue;
            }
            String[] values = rule.pattern().match(subject);
            if (values != null) {
                winner = rule;
                winnerValues = values;
            }
        }
        if (winner == null) {
            return Decision.DENIED;
        }
        if (winner.constant() != null) {
            return winner.constant() ? Decision.ALLOWED : Decision.DENIED;
        }
        MapContext context = new MapContext();
        Map<String, Object> user = new HashMap<>();
        user.put("id", who.id());
        user.put("isAuthenticated", who.isAuthenticated());
        user.put("data", who.data());
        context.set("user", user);
        context.set("name", name);
        context.set("now", System.currentTimeMillis());
        context.set("action", action.name());
        context.set("data", null);
        context.set("oldData", null);
        for (int i = 0; i < winnerValues.length; i++) {
            context.set(winner.pattern().variables().get(i), winnerValues[i]);
        }
        try {
            return Boolean.TRUE.equals(winner.expression().evaluate(context)) ? Decision.ALLOWED : Decision.DENIED;
        } catch (JexlException e) {
            return new Decision.Failed(type + " rule '" + winner.source() + "' of presence '" + winner.path() + "' failed: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
        }
    }
}
