package io.presence.bench;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What a run measured, in the order it was measured: printed as a table and written as JSON. */
final class Report {

    private final Map<String, Object> results = new LinkedHashMap<>();

    void put(String key, Object value) {
        results.put(key, value);
    }

    Map<String, Object> results() {
        return results;
    }

    /** A latency histogram in microseconds, reported in milliseconds. */
    void putLatency(String name, Histogram h) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("count", h.getTotalCount());
        l.put("mean", h.getMean() / 1000.0);
        l.put("p50", h.getValueAtPercentile(50) / 1000.0);
        l.put("p99", h.getValueAtPercentile(99) / 1000.0);
        l.put("max", h.getMaxValue() / 1000.0);
        results.put(name, l);
    }

    /** The servers' CPU time between two readings, in all and per operation, and their memory at the end. */
    void putServerCost(List<ProcessStats> before, List<ProcessStats> after, long operations, String what) {
        if (before.isEmpty()) {
            return;
        }
        long cpu = 0;
        long peak = 0;
        long rss = 0;
        for (int i = 0; i < before.size(); i++) {
            cpu += after.get(i).cpuMillis() - before.get(i).cpuMillis();
            peak += after.get(i).peakRssKb();
            rss += after.get(i).rssKb();
        }
        results.put("server_cpu_ms", cpu);
        results.put("server_cpu_ms_per_" + what, operations == 0 ? 0 : (double) cpu / operations);
        results.put("server_rss_mb", rss / 1024.0);
        results.put("server_peak_rss_mb", peak / 1024.0);
    }

    /** Microsecond latencies up to five minutes, three significant digits. */
    static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        results.forEach((k, v) -> out.append(String.format("%-48s %s%n", k, v instanceof Double d ? String.format("%.3f", d) : v)));
        return out.toString();
    }
}
