package io.presence.node;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presence.node.internal.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One node's figures in one Prometheus registry: ours ({@link NodeMetrics}), the JVM's and the
 * process's, and Vert.x's own, which is why it builds the node's Vert.x.
 */
final class Instrumentation implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeMetrics metrics = new NodeMetrics(registry);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    Instrumentation() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** A Vert.x that reports its worker pools and HTTP clients into the same registry. */
    Vertx vertx() {
        return Vertx.builder()
                // Netty's epoll transport where its native file loads (Linux x86-64), NIO elsewhere:
                // 9% less CPU per login here, a quarter less on the acceptor (docs/performance.md)
                .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        // the JVM's figures are bound above, once; the event bus is not used; the
                        // servers' per-connection and per-frame figures cost the hot path (3.29 s of
                        // CPU per 10,000 logins with them, 2.92 and 3.19 s without: docs/performance.md)
                        // and NodeMetrics counts connections already
                        .setJvmMetricsEnabled(false)
                        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                        .addDisabledMetricsCategory(MetricsDomain.VERTICLES)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
                        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    NodeMetrics metrics() {
        return metrics;
    }

    /** Every figure in Prometheus's text format. */
    String scrape() {
        return registry.scrape();
    }

    /** Stops listening for collections (the one binder that holds on to JVM listeners). */
    @Override
    public void close() {
        gcMetrics.close();
    }
}
