package io.presence.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario works with: the options, the servers (endpoints and processes), the
 * client side's event loops and WebSocket clients, the run's deadline and its report. Every
 * wait is bounded by {@code --timeout}.
 */
final class Bench implements AutoCloseable {

    final Options options;
    final Report report = new Report();
    /**
     * Usernames of this run start with {@code bench-<run>-}, so earlier runs' users never count;
     * {@code --run-id} gives several generator processes of one run the same names.
     */
    final String run;
    final Vertx vertx;
    final List<WebSocketClient> clients = new ArrayList<>();
    private final long deadline;

    Bench(Options options, int sourceAddresses) {
        this.options = options;
        this.run = options.text("run-id", UUID.randomUUID().toString().substring(0, 6));
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.integer("timeout", 300));
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        for (int i = 0; i < sourceAddresses; i++) {
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxConnections(100_000).setLocalAddress("127.0.0." + (1 + i))
                    .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024)));
        }
    }

    List<URI> nodes() {
        return options.nodes();
    }

    URI node(int index) {
        return options.nodes().get(index);
    }

    List<Long> pids() {
        return options.pids();
    }

    int integer(String key, int fallback) {
        return options.integer(key, fallback);
    }

    /** This run's username {@code i}, for {@code n} users. */
    List<String> names(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(userPrefix() + i);
        }
        return names;
    }

    String userPrefix() {
        return "bench-" + run + "-";
    }

    /** The servers' CPU and memory now, in the order of {@code --pids}. */
    List<ProcessStats> stats() {
        return pids().stream().map(ProcessStats::of).toList();
    }

    /** Opens {@code count} connections to {@code node}, 256 at a time, each through CHALLENGE/ACCEPT. */
    List<BenchConnection> openAll(URI node, int count) throws Exception {
        List<BenchConnection> opened = new ArrayList<>(count);
        int batch = 256;
        for (int from = 0; from < count; from += batch) {
            List<Future<BenchConnection>> opening = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                opening.add(BenchConnection.open(clients.get(i / 20_000 % clients.size()), node));
            }
            await(Future.all(opening));
            opening.forEach(f -> opened.add(f.result()));
            checkDeadline();
        }
        return opened;
    }

    /** Opens {@code users} connections split evenly, in order, over {@code over} and logs each in as this run's user i. */
    List<BenchConnection> openAndLogIn(List<URI> over, int users) throws Exception {
        List<BenchConnection> online = new ArrayList<>();
        List<String> names = names(users);
        for (int n = 0; n < over.size(); n++) {
            int from = users * n / over.size();
            int to = users * (n + 1) / over.size();
            List<BenchConnection> opened = openAll(over.get(n), to - from);
            List<Future<Void>> logins = new ArrayList<>();
            for (int i = from; i < to; i++) {
                logins.add(opened.get(i - from).login(names.get(i)));
            }
            await(Future.all(logins));
            online.addAll(opened);
        }
        return online;
    }

    void closeAll(List<BenchConnection> connections) throws Exception {
        List<Future<Void>> closing = new ArrayList<>();
        connections.forEach(c -> closing.add(c.close()));
        Future.join(closing).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** A subscriber on every node but {@code excluded}, in node order. */
    List<Subscriber> subscribersOnAllBut(int excluded) throws Exception {
        List<Subscriber> subscribers = new ArrayList<>();
        for (int n = 0; n < nodes().size(); n++) {
            if (n != excluded) {
                subscribers.add(subscriber(node(n)));
            }
        }
        return subscribers;
    }

    /** Scenarios that signal a node need its PID, and a survivor. */
    void requirePidPerNode(String scenario) {
        if (pids().size() != nodes().size() || nodes().size() < 2) {
            throw new IllegalArgumentException(scenario + " needs two or more --nodes and one --pids entry per node, in the same order");
        }
    }

    /** A logged-in connection to {@code node}, subscribed to everyone, once the subscription is acknowledged. */
    Subscriber subscriber(URI node) throws Exception {
        BenchConnection c = await(BenchConnection.open(clients.get(0), node));
        await(c.login("bench-watcher-" + UUID.randomUUID()));
        Subscriber s = new Subscriber(c, userPrefix(), this);
        c.subscribeAll().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return s;
    }

    <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(millisLeft(), TimeUnit.MILLISECONDS);
    }

    <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(millisLeft(), TimeUnit.MILLISECONDS);
    }

    long millisLeft() {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    void checkDeadline() {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the run exceeded --timeout " + options.text("timeout", "300") + " s");
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
