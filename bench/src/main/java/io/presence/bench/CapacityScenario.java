package io.presence.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code capacity}: --users connections spread over the nodes, each logged in, then idle (pings
 * only). Reports what they cost each server: live heap (after a full collection) and RSS, before
 * and after, per connection. {@code --hold s} keeps them open afterwards, for a look at the servers.
 */
final class CapacityScenario implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int users = bench.integer("users", 2000);
        List<Long> pids = bench.pids();
        if (pids.size() != bench.nodes().size()) {
            throw new IllegalArgumentException("capacity needs one --pids entry per --nodes entry, in the same order");
        }
        List<Long> heapBefore = pids.stream().map(ProcessStats::liveHeapKb).toList();
        List<ProcessStats> before = bench.stats();
        List<BenchConnection> connections = bench.openAndLogIn(bench.nodes(), users);
        List<Long> heapAfter = pids.stream().map(ProcessStats::liveHeapKb).toList();
        List<ProcessStats> after = bench.stats();
        List<Map<String, Object>> perNode = new ArrayList<>();
        int nodes = bench.nodes().size();
        for (int n = 0; n < nodes; n++) {
            long count = (long) users * (n + 1) / nodes - (long) users * n / nodes;
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("connections", count);
            node.put("live_heap_mb_before", heapBefore.get(n) / 1024.0);
            node.put("live_heap_mb_after", heapAfter.get(n) / 1024.0);
            node.put("heap_bytes_per_connection", (heapAfter.get(n) - heapBefore.get(n)) * 1024.0 / count);
            node.put("rss_mb_before", before.get(n).rssKb() / 1024.0);
            node.put("rss_mb_after", after.get(n).rssKb() / 1024.0);
            node.put("rss_bytes_per_connection", (after.get(n).rssKb() - before.get(n).rssKb()) * 1024.0 / count);
            perNode.add(node);
        }
        bench.report.put("per_node", perNode);
        System.out.println(bench.report.table());
        long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(bench.integer("hold", 0));
        while (System.nanoTime() < holdUntil) {
            bench.checkDeadline();
            Thread.sleep(Math.min(1000, Math.max(1, (holdUntil - System.nanoTime()) / 1_000_000)));
        }
        bench.closeAll(connections);
    }
}
