package io.presence.node.config;

/**
 * How the node behaves for its operators.
 *
 * @param drainDelayMillis how long a stopping node keeps serving after its readiness turned 503,
 *                         so that load balancers stop sending it new clients before it closes its
 *                         old ones; 0 closes them at once
 * @param logFormat        {@code text} for a terminal, {@code json} (one object a line) for log pipelines
 * @param logLevel         the level of the node's own loggers (libraries stay at WARN)
 * @param drainToken       when set, {@code POST /drain} and {@code DELETE /drain} need it as a
 *                         bearer token, from any peer; when not, they are taken from an unproxied
 *                         loopback peer only (which a sidecar or a local proxy also is)
 */
public record Operations(long drainDelayMillis, String logFormat, String logLevel,
                         java.util.Optional<String> drainToken) {

    public static final java.util.List<String> LOG_FORMATS = java.util.List.of("text", "json");
    public static final java.util.List<String> LOG_LEVELS = java.util.List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
}
