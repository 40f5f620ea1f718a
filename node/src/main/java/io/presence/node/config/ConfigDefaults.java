package io.presence.node.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every setting a node knows, with its default: the one place they are written (README lists them). */
final class ConfigDefaults {

    private ConfigDefaults() {
    }

    static Map<String, String> all() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("host", "127.0.0.1");
        d.put("port", "6020");
        d.put("binary.path", "/deepstream");
        d.put("json.path", "/deepstream-json");
        d.put("health.path", "/health-check");
        d.put("max.message.size", "1048576");
        d.put("max.send.backlog", "8388608");
        d.put("auth.timeout.ms", "180000");
        d.put("client.timeout.ms", "30000");
        d.put("logout.grace.ms", "0");
        d.put("reconcile.interval.ms", "30000");
        d.put("max.auth.attempts", "3");
        d.put("max.username.length", "128");
        d.put("transport.instances", String.valueOf(Runtime.getRuntime().availableProcessors()));
        d.put("min.cluster.size", "1");
        d.put("last.seen.retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
        d.put("last.seen.max.users", "100000");
        d.put("user.data.max.bytes", "4096");
        d.put("cluster.mode", "embedded");
        d.put("hazelcast.config", "");
        d.put("cluster.name", "");
        d.put("hazelcast.port", "");
        d.put("hazelcast.members", "");
        d.put("auth", "none");
        d.put("auth.file.users", "");
        d.put("auth.file.hash", "md5");
        d.put("auth.file.iterations", "100");
        d.put("auth.file.key.length", "32");
        d.put("auth.file.max.queued", "256");
        d.put("auth.max.failures.per.address", "50");
        d.put("auth.max.failures.per.username", "10");
        d.put("auth.failure.window.ms", "60000");
        d.put("auth.http.url", "");
        d.put("auth.http.permitted.status", "200");
        d.put("auth.http.timeout.ms", "2000");
        d.put("auth.http.retry.status", "");
        d.put("auth.http.retry.attempts", "3");
        d.put("auth.http.retry.interval.ms", "1000");
        d.put("auth.http.promote.to.header", "");
        d.put("auth.http.max.pending", "1000");
        d.put("auth.jwt.algorithm", "HS256");
        d.put("auth.jwt.secret", "");
        d.put("auth.jwt.public.key", "");
        d.put("auth.jwt.token.field", "token");
        d.put("auth.jwt.id.claim", "sub");
        d.put("auth.jwt.server.data.claim", "");
        d.put("auth.jwt.client.data.claim", "");
        d.put("auth.jwt.issuer", "");
        d.put("auth.jwt.audience", "");
        d.put("permissions.file", "");
        d.put("max.connections", "50000");
        d.put("max.connections.per.address", "5000");
        d.put("max.pending.logins", "5000");
        d.put("max.messages.per.second", "1000");
        d.put("max.message.burst", "2000");
        d.put("max.subscriptions", "10000");
        d.put("max.node.subscriptions", "1000000");
        d.put("max.request.names", "10000");
        d.put("api.max.commands", "100");
        d.put("api.max.answer.bytes", "4194304");
        d.put("tls.certificate", "");
        d.put("tls.key", "");
        d.put("tls.client.ca", "");
        d.put("allowed.origins", "");
        d.put("trusted.proxies", "");
        d.put("drain.delay.ms", "0");
        d.put("drain.token", "");
        d.put("log.format", "text");
        d.put("log.level", "INFO");
        d.put("webhook.urls", "");
        d.put("webhook.secret", "");
        d.put("webhook.key.name", "default");
        d.put("webhook.batch.ms", "250");
        d.put("webhook.batch.max", "100");
        d.put("webhook.timeout.ms", "5000");
        d.put("webhook.retry.ms", "300000");
        d.put("webhook.max.queued", "100000");
        d.put("webhook.include.data", "false");
        return Map.copyOf(d);
    }
}
