package io.presence.bench;

import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A logged-in connection subscribed to everyone, counting the events about this run's users:
 * joins (and duplicates), each user's state as its events tell it, and events that did not
 * alternate. Also asks queries, one at a time.
 */
final class Subscriber {

    final BenchConnection connection;
    final Map<String, Integer> joins = new ConcurrentHashMap<>();
    final AtomicLong joinEvents = new AtomicLong();
    final Map<String, Boolean> heardOnline = new ConcurrentHashMap<>();
    final AtomicLong notAlternating = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    /** Events per user of this run, joins and leaves alike. */
    final Map<String, Integer> eventsPerUser = new ConcurrentHashMap<>();
    volatile long lastLeaveAt;
    volatile long lastJoinAt;
    volatile Consumer<String> onJoin = name -> { };
    private final String prefix;
    private final Bench bench;
    private volatile CompletableFuture<Message> answer;
    private volatile int target = Integer.MAX_VALUE;
    private final CompletableFuture<Void> reached = new CompletableFuture<>();

    Subscriber(BenchConnection connection, String prefix, Bench bench) {
        this.connection = connection;
        this.prefix = prefix;
        this.bench = bench;
        connection.onMessage(this::received);
    }

    void received(Message m) {
        if (!(m instanceof PresenceMessage p)) {
            return;
        }
        boolean join = p.action() == Action.PRESENCE_JOIN_ALL;
        if ((join || p.action() == Action.PRESENCE_LEAVE_ALL) && p.name() != null && p.name().startsWith(prefix)) {
            events.incrementAndGet();
            eventsPerUser.merge(p.name(), 1, Integer::sum);
            Boolean before = heardOnline.put(p.name(), join);
            if (join) {
                lastJoinAt = System.nanoTime();
            } else {
                lastLeaveAt = System.nanoTime();
            }
            if (before == null ? !join : before == join) {
                notAlternating.incrementAndGet();
            }
            if (join) {
                joins.merge(p.name(), 1, Integer::sum);
                joinEvents.incrementAndGet();
                onJoin.accept(p.name());
                if (joins.size() >= target) {
                    reached.complete(null);
                }
            }
        } else if ((p.action() == Action.QUERY_ALL_RESPONSE || p.action() == Action.QUERY_RESPONSE) && answer != null) {
            answer.complete(p);
        }
    }

    /** Waits until {@code n} distinct users have joined. */
    void awaitJoins(int n) throws Exception {
        target = n;
        if (joins.size() >= n) {
            return;
        }
        try {
            bench.await(reached);
        } catch (TimeoutException e) {
            throw new IllegalStateException("subscriber had " + joins.size() + " of " + n + " joins at --timeout", e);
        }
    }

    /** Asks getAll() and waits; returns how many names came back. */
    int queryAll() {
        return ask(PresenceMessage.of(Action.QUERY_ALL)).names().size();
    }

    /** Asks getAll() and counts how many of {@code names} it lists. */
    int queryAllOf(List<String> names) {
        List<String> listed = ask(PresenceMessage.of(Action.QUERY_ALL)).names();
        Set<String> wanted = new HashSet<>(names);
        return (int) listed.stream().filter(wanted::contains).count();
    }

    void query(List<String> names) {
        ask(PresenceMessage.request(Action.QUERY, "q", names));
    }

    private synchronized PresenceMessage ask(PresenceMessage request) {
        answer = new CompletableFuture<>();
        connection.send(request);
        try {
            return (PresenceMessage) bench.await(answer);
        } catch (Exception e) {
            throw new IllegalStateException("no answer to " + request.action(), e);
        }
    }

    void putEventCounts(int expected, Report report) {
        report.put("joins_missed", expected - joins.size());
        report.put("joins_duplicated", joinEvents.get() - joins.size());
    }

    /** Whether what this subscriber heard agrees with {@code truth} (username to online). */
    boolean agrees(Map<String, Boolean> truth) {
        return truth.entrySet().stream().allMatch(e -> e.getValue().equals(heardOnline.getOrDefault(e.getKey(), false)));
    }
}
