package io.presence.client.faults;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a fault run did and saw, with wall-clock times (milliseconds): the faults, every client
 * connection's life, and every subscriber's events, for {@link HistoryChecker} to judge afterwards.
 */
final class History {

    /** One fault: what, on which node (-1: none in particular), when it began and when all was back. */
    record Fault(String kind, int node, String detail, long start, long end) {
        /** Until when the node counts as touched: a resumed or restarted node merges and repairs a while longer. */
        long touchedUntil() {
            return end + (kind.equals("pause") || kind.equals("split") ? 15_000 : 5_000);
        }

        boolean touches(int n, long from, long to) {
            return node == n && start <= to && touchedUntil() >= from;
        }
    }

    /** A presence event as a subscriber heard it. */
    record Event(long at, String user, boolean online) {
    }

    /**
     * The events one subscription heard during one connection: a raw subscriber's connection, or
     * an SDK client's time between two reconnections. {@code node} -1: an SDK client's (node unknown).
     */
    static final class Segment {
        final String subscriber;
        final int node;
        final long start;
        volatile long end;
        private final List<Event> events = new ArrayList<>();

        Segment(String subscriber, int node, long start) {
            this.subscriber = subscriber;
            this.node = node;
            this.start = start;
        }

        void add(String user, boolean online) {
            synchronized (events) {
                events.add(new Event(System.currentTimeMillis(), user, online));
            }
        }

        List<Event> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        boolean live() {
            return end == 0;
        }

        @Override
        public String toString() {
            return subscriber + (node >= 0 ? "@node" + node : "@sdk") + "[" + start + ".." + (end == 0 ? "" : end) + "]";
        }
    }

    /** How a connection was made: a raw client on one node, an SDK client (on a node of its choice), a vanishing one. */
    enum Way {
        RAW, SDK, VANISHING
    }

    /**
     * One connection's life: {@code opened} when its login was accepted, {@code closed} when the
     * client began to close it or saw it end (0 while open). {@code node} -1 for an SDK client.
     */
    static final class Life {
        final String user;
        final int node;
        final Way way;
        final long attempted;
        volatile long opened;
        volatile long closed;

        Life(String user, int node, Way way, long attempted) {
            this.user = user;
            this.node = node;
            this.way = way;
            this.attempted = attempted;
        }

        /** Whether it may have held its user online at some moment in [from, to]. */
        boolean mayHoldDuring(long from, long to) {
            return attempted <= to && (closed == 0 || closed >= from);
        }

        boolean openThrough(long from, long to) {
            return opened != 0 && opened <= from && (closed == 0 || closed >= to);
        }
    }

    private final long origin = System.currentTimeMillis();
    final List<Fault> faults = new CopyOnWriteArrayList<>();
    final List<Segment> segments = new CopyOnWriteArrayList<>();
    final List<Life> lives = new CopyOnWriteArrayList<>();
    /** What the workload and the nemesis did, a line each, for the report of a failed run; see {@link #log()}. */
    private final List<String> log = new ArrayList<>();
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger failedLogins = new AtomicInteger();
    final AtomicInteger logouts = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger failedQueries = new AtomicInteger();

    /** When the run began. */
    long origin() {
        return origin;
    }

    /** Whether a fault touched {@code node} at any time in [from, to]. */
    boolean touched(int node, long from, long to) {
        return faults.stream().anyMatch(f -> f.touches(node, from, to));
    }

    /** Dated as the nodes' logs are (local time), so that the two can be read side by side. */
    void note(String line) {
        String dated = LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line;
        synchronized (log) {
            log.add(dated);
        }
    }

    /** What {@link #note} recorded so far. */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }
}
