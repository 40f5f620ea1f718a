package io.presence.bench;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code remote-changes}: what a node spends on a change decided elsewhere (receive it from the
 * changes topic, apply it to its view, tell its subscribers). A Hazelcast client joins the cluster
 * of --hazelcast (an address of one of its members) and --cluster-name, and publishes --rate
 * transitions a second for --duration s, --batch to a topic message, as nodes that decided them
 * would: --users names of this run, each alternating join and leave with growing versions. One
 * subscriber to everyone sits on --subscriber-node, whose process is the only --pids entry.
 * Measures that process's CPU per change once the subscriber has every event, and counts events
 * missing and out of order. No node decides these changes, so the cluster's map never holds these
 * users: finish well before the node's reconciliation round (reconcile.interval.ms) would
 * correct its view.
 */
final class RemoteChangesScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        int rate = bench.integer("rate", 50_000);
        int seconds = bench.integer("duration", 5);
        int batch = bench.integer("batch", 32);
        if (bench.pids().size() != 1) {
            throw new IllegalArgumentException("remote-changes needs one --pids entry: the subscriber node's process");
        }
        Subscriber subscriber = bench.subscriber(bench.node(bench.integer("subscriber-node", 0)));
        List<String> names = bench.names(users);
        ClientConfig config = new ClientConfig();
        config.setClusterName(bench.options.text("cluster-name", "presence-local"));
        config.getNetworkConfig().addAddress(bench.options.text("hazelcast", "127.0.0.1:5701"));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        try {
            ITopic<PublishedChanges> topic = client.getTopic(PublishedChanges.TOPIC);
            long[] versions = new long[users];
            long total = (long) rate * seconds;
            long published = 0;
            int next = 0;
            List<ProcessStats> before = bench.stats();
            long start = System.nanoTime();
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            while (published < total) {
                bench.checkDeadline();
                long due = Math.min(total, (System.nanoTime() - start) * rate / TimeUnit.SECONDS.toNanos(1));
                if (due <= published) {
                    // park rather than spin: the generator shares the cores of the node it measures
                    LockSupport.parkNanos(200_000);
                    continue;
                }
                while (published < due) {
                    int size = (int) Math.min(batch, total - published);
                    PublishedChanges message = new PublishedChanges(System.currentTimeMillis());
                    for (int i = 0; i < size; i++) {
                        long version = ++versions[next];
                        message.add(names.get(next), version % 2 == 1, version);
                        next = (next + 1) % users;
                    }
                    sent.add(topic.publishAsync(message).toCompletableFuture());
                    published += size;
                }
                if (sent.size() > 1024) {
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                    sent.clear();
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            double publishSeconds = (System.nanoTime() - start) / 1e9;
            while (subscriber.events.get() < total) {
                bench.checkDeadline();
                Thread.sleep(5);
            }
            List<ProcessStats> after = bench.stats();
            Report report = bench.report;
            report.put("changes_published", total);
            report.put("changes_per_second_published", Math.round(total / publishSeconds));
            report.put("changes_per_topic_message", batch);
            report.put("events_at_the_subscriber", subscriber.events.get());
            report.put("events_not_alternating", subscriber.notAlternating.get());
            report.putServerCost(before, after, total, "change");
        } finally {
            client.shutdown();
        }
    }
}
