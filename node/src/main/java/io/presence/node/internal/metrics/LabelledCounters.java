package io.presence.node.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The counters of one figure, one per label value, each registered when its value is first
 * counted and kept from then on (the hot path looks it up, it does not build it). Thread-safe.
 */
final class LabelledCounters<K> {

    private final Map<K, Counter> counters = new ConcurrentHashMap<>();
    private final Function<K, Counter> register;

    /** @param meter the counter of one label value, named, described and tagged, not yet registered */
    LabelledCounters(MeterRegistry registry, Function<K, Counter.Builder> meter) {
        this.register = key -> meter.apply(key).register(registry);
    }

    void increment(K key, double amount) {
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = counters.computeIfAbsent(key, register);
        }
        counter.increment(amount);
    }
}
