package io.presence.client.faults;

import io.presence.node.support.WebhookReceiver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges a fault run's history: what every subscriber heard, what the webhook receiver got, and
 * how long each fault took to show, against what the cluster promises (docs/resilience.md). Each
 * check returns what it found wrong, one line per violation.
 */
final class HistoryChecker {

    /** A subscriber's node counts as quiet when no fault touched it this long before an event. */
    private static final long QUIET_BEFORE = 10_000;
    /** How long before a leave a connection must have been open for the leave to be wrong: events travel. */
    private static final long OPEN_BEFORE = 5_000;
    /** How soon a resumed node's users are online again: docs/resilience.md, a hung node resumes. */
    private static final long BACK_BOUND = 10_000;
    /** How long before a fault a login may have been answered and still not be decided by the cluster. */
    private static final long DECIDING = 2_000;

    private final History history;
    /** Every connection's life, by user: an hour's run has tens of thousands. */
    private final Map<String, List<History.Life>> lives = new HashMap<>();

    HistoryChecker(History history) {
        this.history = history;
        history.lives.forEach(l -> lives.computeIfAbsent(l.user, u -> new ArrayList<>()).add(l));
    }

    /** Every subscriber hears a user's joins and leaves alternate, within one connection. */
    List<String> alternation() {
        List<String> wrong = new ArrayList<>();
        for (History.Segment s : history.segments) {
            Map<String, History.Event> last = new HashMap<>();
            for (History.Event e : s.events()) {
                History.Event before = last.put(e.user(), e);
                if (before != null && before.online() == e.online()) {
                    wrong.add(s + " heard " + e.user() + (e.online() ? " join" : " leave") + " twice in a row, at +"
                            + rel(before.at()) + " and +" + rel(e.at()) + " ms");
                }
            }
        }
        return wrong;
    }

    /** Every live subscription's last word on each user it heard of is the truth. */
    List<String> subscribersAgree(Set<String> truth) {
        List<String> wrong = new ArrayList<>();
        for (History.Segment s : history.segments) {
            if (!s.live()) {
                continue;
            }
            Map<String, Boolean> last = new HashMap<>();
            s.events().forEach(e -> last.put(e.user(), e.online()));
            last.forEach((user, online) -> {
                if (online != truth.contains(user)) {
                    wrong.add(s + " last heard " + user + (online ? " online" : " offline") + ", but it is "
                            + (truth.contains(user) ? "online" : "offline"));
                }
            });
        }
        return wrong;
    }

    /**
     * The webhook receiver got each user's transitions in order (versions only grow, online and
     * offline alternate: none missing), and its last word on every user is the truth.
     */
    List<String> webhooks(Map<String, List<WebhookReceiver.Event>> byUser, Set<String> truth, Set<String> everyone) {
        List<String> wrong = new ArrayList<>();
        for (String user : everyone) {
            List<WebhookReceiver.Event> events = byUser.getOrDefault(user, List.of());
            for (int i = 1; i < events.size(); i++) {
                WebhookReceiver.Event a = events.get(i - 1);
                WebhookReceiver.Event b = events.get(i);
                if (b.version() <= a.version()) {
                    wrong.add("webhook: " + user + "'s version went from " + a.version() + " to " + b.version());
                }
                if (a.online() == b.online()) {
                    wrong.add("webhook: " + user + " " + b.name() + " twice in a row (versions " + a.version() + ", "
                            + b.version() + "): a transition between them is missing");
                }
            }
            boolean said = !events.isEmpty() && events.get(events.size() - 1).online();
            if (said != truth.contains(user)) {
                wrong.add("webhook: the receiver's last word on " + user + " is " + (said ? "online" : "offline")
                        + " (" + events.size() + " events), but it is " + (truth.contains(user) ? "online" : "offline"));
            }
        }
        return wrong;
    }

    /**
     * No subscriber on a quiet node heard a user leave while that user had a raw connection, open
     * for a while, to a node no fault touched.
     */
    List<String> noFalseLeaves() {
        List<String> wrong = new ArrayList<>();
        for (History.Segment s : history.segments) {
            if (s.node < 0) {
                continue;
            }
            for (History.Event e : s.events()) {
                if (e.online() || history.touched(s.node, e.at() - QUIET_BEFORE, e.at())) {
                    continue;
                }
                for (History.Life life : lives.getOrDefault(e.user(), List.of())) {
                    if (life.way == History.Way.RAW && life.openThrough(e.at() - OPEN_BEFORE, e.at() + 2_000)
                            && !history.touched(life.node, life.opened - 1_000, e.at())) {
                        wrong.add(s + " heard " + e.user() + " leave at +" + rel(e.at()) + " ms while its connection to node "
                                + life.node + " (open since +" + rel(life.opened) + " ms, untouched by faults) stayed open");
                        break;
                    }
                }
            }
        }
        return wrong;
    }

    /**
     * The receiver got no logout decided while its user had a raw connection, open for a while,
     * to a node no fault touched. When it was decided is known only within bounds: not before the
     * event's time (the cluster's clock, which a member that was stopped sets from a late message
     * of the master, and so runs behind this machine's by up to the stop, never ahead of it) and
     * not after the receiver got it.
     */
    List<String> noFalseLogoutHooks(Map<String, List<WebhookReceiver.Event>> byUser) {
        List<String> wrong = new ArrayList<>();
        byUser.forEach((user, events) -> {
            for (WebhookReceiver.Event e : events) {
                if (e.online()) {
                    continue;
                }
                long earliest = Math.min(e.at(), e.received());
                for (History.Life life : lives.getOrDefault(user, List.of())) {
                    if (life.way == History.Way.RAW && life.openThrough(earliest - OPEN_BEFORE, e.received() + 2_000)
                            && !history.touched(life.node, life.opened - 1_000, e.received())) {
                        wrong.add("webhook: " + user + " offline decided between +" + rel(earliest) + " and +"
                                + rel(e.received()) + " ms (version " + e.version() + ") while its connection to node "
                                + life.node + " (open since +" + rel(life.opened) + " ms, untouched by faults) stayed open");
                        break;
                    }
                }
            }
        });
        return wrong;
    }

    /**
     * For each kill, long pause and stop of a node: the users whose only connections were raw
     * ones on it leave at every subscriber on a quiet node within the bound. Adds one line per
     * such fault to {@code figures}.
     */
    List<String> faultBounds(List<String> figures) {
        List<String> wrong = new ArrayList<>();
        for (History.Fault f : history.faults) {
            long bound = bound(f);
            if (bound == 0) {
                continue;
            }
            Optional<History.Fault> before = settlingFrom(f);
            if (before.isPresent()) {
                // its users may not be online again at the others yet: there is no leave to time
                figures.add(f.kind() + " of node " + f.node() + " (" + f.detail() + "): not timed, the node was still "
                        + "settling from the " + before.get().kind() + " that ended " + (f.start() - before.get().end())
                        + " ms before");
                continue;
            }
            long k = f.start();
            List<String> doomed = doomed(f.node(), k, k + bound + 2_000);
            long slowest = -1;
            int heard = 0;
            Set<String> undecided = new TreeSet<>();
            for (History.Segment s : history.segments) {
                if (s.node < 0 || s.node == f.node() || s.start > k || (!s.live() && s.end < k + bound + 2_000)
                        || history.faults.stream().anyMatch(o -> o != f && o.touches(s.node, k - QUIET_BEFORE, k + bound))) {
                    continue;
                }
                for (String user : doomed) {
                    if (undecidedAt(s, user, f.node(), k, bound)) {
                        undecided.add(user);
                        continue;
                    }
                    long at = s.events().stream().filter(e -> e.user().equals(user) && !e.online() && e.at() >= k)
                            .mapToLong(History.Event::at).findFirst().orElse(-1);
                    if (at < 0 || at - k > bound) {
                        wrong.add(f.kind() + " of node " + f.node() + " at +" + rel(k) + " ms: " + s + " heard " + user
                                + (at < 0 ? " never leave" : " leave after " + (at - k) + " ms") + " (bound " + bound + " ms)");
                    } else {
                        slowest = Math.max(slowest, at - k);
                        heard++;
                    }
                }
            }
            figures.add(f.kind() + " of node " + f.node() + " (" + f.detail() + "): " + doomed.size()
                    + " users only there, " + heard + " leaves heard on quiet nodes, the last after "
                    + (slowest < 0 ? "-" : slowest + " ms") + " (bound " + bound + " ms)"
                    + (undecided.isEmpty() ? "" : "; " + undecided.size() + " logged in too shortly before to be online yet "
                            + undecided)
                    + (!f.kind().equals("pause") && !f.kind().equals("split") ? ""
                            : nextOnTheNode(f).isPresent() ? "; its return not timed: the next fault hit the node first"
                            : back(f, wrong)));
        }
        return wrong;
    }

    /**
     * Whether {@code user}'s login on {@code node} was still being decided when the fault began at
     * {@code k}: its connection had its AUTH answered less than {@link #DECIDING} before, and
     * subscriber {@code s} heard it come online neither before the fault nor within the bound.
     * The node answers AUTH at once and holds the user in the cluster beside it; a node stopped
     * or killed in between had not made the user online, so no logout is owed within the bound
     * (a join heard within it owes its leave within it too; the alternation and final-state checks
     * cover whatever the subscriber hears of the user later).
     */
    private boolean undecidedAt(History.Segment s, String user, int node, long k, long bound) {
        History.Life latest = lives.get(user).stream()
                .filter(l -> l.way == History.Way.RAW && l.node == node && l.openThrough(k, k))
                .max(Comparator.comparingLong(l -> l.opened)).orElse(null);
        return latest != null && latest.opened > k - DECIDING
                && s.events().stream().noneMatch(e -> e.user().equals(user) && e.online() && e.at() >= latest.attempted && e.at() <= k + bound);
    }

    /**
     * After a stop (or a split) long enough to log a node's users out, those whose connection to
     * it outlived the fault are online again at every quiet subscriber within {@link #BACK_BOUND}
     * of its end (SIGCONT, or the link back).
     */
    private String back(History.Fault f, List<String> wrong) {
        long from = f.end();
        long until = from + BACK_BOUND + 2_000;
        List<String> users = doomed(f.node(), f.start(), until).stream()
                .filter(u -> lives.get(u).stream().anyMatch(l -> l.way == History.Way.RAW && l.node == f.node()
                        && l.openThrough(f.start(), until)))
                .toList();
        long slowest = -1;
        for (History.Segment s : history.segments) {
            if (s.node < 0 || s.node == f.node() || s.start > f.start() || (!s.live() && s.end < until)
                    || history.faults.stream().anyMatch(o -> o != f && o.touches(s.node, f.start() - QUIET_BEFORE, until))) {
                continue;
            }
            for (String user : users) {
                long at = s.events().stream().filter(e -> e.user().equals(user) && e.online() && e.at() >= from)
                        .mapToLong(History.Event::at).findFirst().orElse(-1);
                if (at < 0 || at - from > BACK_BOUND) {
                    wrong.add(f.kind() + " of node " + f.node() + " ended at +" + rel(from) + " ms: " + s + " heard " + user
                            + (at < 0 ? " never come back" : " come back after " + (at - from) + " ms")
                            + " though its connection stayed open (bound " + BACK_BOUND + " ms)");
                } else {
                    slowest = Math.max(slowest, at - from);
                }
            }
        }
        return "; " + users.size() + " of them still connected after it, online again at quiet subscribers after "
                + (slowest < 0 ? "-" : slowest + " ms") + " (bound " + BACK_BOUND + " ms)";
    }

    /** The fault before {@code f} on the same node, when the node was still settling from it (merging, holding again) as {@code f} began. */
    private Optional<History.Fault> settlingFrom(History.Fault f) {
        return history.faults.stream()
                .filter(o -> o != f && o.node() == f.node() && o.start() < f.start() && o.touchedUntil() > f.start())
                .findFirst();
    }

    /** A fault that hit {@code f}'s node again within {@code f}'s return bound. */
    private Optional<History.Fault> nextOnTheNode(History.Fault f) {
        return history.faults.stream()
                .filter(o -> o != f && o.node() == f.node() && o.start() > f.start() && o.start() < f.end() + BACK_BOUND + 2_000)
                .findFirst();
    }

    /** The bound docs/resilience.md gives for the fault's logouts; 0: none to check. */
    private static long bound(History.Fault f) {
        return switch (f.kind()) {
            case "kill" -> 2_000;
            // a short stop or split may end before the others give up on the node: no logouts are promised then
            case "pause", "split" -> f.end() - f.start() >= 7_000 ? 6_000 : 0;
            case "term", "skew" -> 1_000;
            default -> 0;
        };
    }

    /** Users with a raw connection on {@code node} open at {@code at} and no other way online in [at - 1 s, until]. */
    private List<String> doomed(int node, long at, long until) {
        List<String> users = new ArrayList<>();
        for (History.Life life : history.lives) {
            if (life.way == History.Way.RAW && life.node == node && life.openThrough(at, at) && !users.contains(life.user)
                    && lives.get(life.user).stream().noneMatch(o -> !(o.way == History.Way.RAW && o.node == node && o.opened != 0 && o.opened <= at)
                            && o.mayHoldDuring(at - 1_000, until))) {
                users.add(life.user);
            }
        }
        return users;
    }

    private long rel(long at) {
        return at - history.origin();
    }
}
