package io.presence.node.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's log lines while open, every level down to DEBUG, to check that something was logged
 * (and what was not). Each line is "LEVEL message", with a stack trace when one was logged.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level levelBefore;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            String line = event.getLevel() + " " + event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
            }
            lines.add(line);
        }
    };

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.levelBefore = logger.getLevel();
    }

    /** The node's own lines. */
    public static LogCapture start() {
        return start("io.presence.node");
    }

    /** The lines of one logger and those under it; "" for every line, Vert.x's and Hazelcast's too. */
    public static LogCapture start(String loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName.isEmpty() ? org.slf4j.Logger.ROOT_LOGGER_NAME : loggerName);
        LogCapture capture = new LogCapture(logger);
        capture.appender.setContext(logger.getLoggerContext());
        capture.appender.start();
        logger.addAppender(capture.appender);
        if (!loggerName.isEmpty()) {
            logger.setLevel(Level.DEBUG);
        }
        return capture;
    }

    public boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
        appender.stop();
    }
}
