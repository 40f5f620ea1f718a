package io.presence.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.presence.node.config.Operations;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One logging pipeline for the node process: our own lines, Hazelcast's, Vert.x's and Netty's all
 * go through SLF4J to Logback, as text for a terminal or as one JSON object a line for log
 * pipelines. Set up by {@link Main} before anything logs; embedded nodes leave the host's logging alone.
 */
final class Logging {

    private Logging() {
    }

    /** Routes every library's logging to SLF4J; call before Hazelcast or Vert.x is touched. */
    static void bridgeLibraries() {
        System.setProperty("hazelcast.logging.type", "slf4j");
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        // Netty picks SLF4J by itself when it is present; the JDK's own logging goes through the bridge
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /** Applies log.format and log.level over the defaults of logback.xml. */
    static void apply(Operations operations) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend was put on the class path: its own configuration rules
        }
        context.getLogger("io.presence").setLevel(Level.toLevel(operations.logLevel(), Level.INFO));
        if (operations.logFormat().equals("json")) {
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            root.addAppender(console(context, json(context)));
        }
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("CONSOLE");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
