package io.presence.node.internal.transport;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.session.Notification;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notifications on their way to connections, one queue per event loop: the presence thread adds
 * one per subscriber of a change, and one task per batch writes every notification queued for
 * that loop's connections, instead of one task (and one wake-up of the loop) per subscriber.
 * Thread-safe; shared by a node's transports.
 */
final class NotificationQueues {

    private record Write(WebSocketConnection connection, Notification notification) {
    }

    /** The writes waiting for one event loop, and whether a task to write them is on its way. */
    private static final class LoopQueue {
        private final Context context;
        private final NodeMetrics metrics;
        private final Queue<Write> writes = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        /** The connections written to by the batch being written; on the loop only. */
        private final List<WebSocketConnection> touched = new ArrayList<>();

        LoopQueue(Context context, NodeMetrics metrics) {
            this.context = context;
            this.metrics = metrics;
        }

        void add(Write write) {
            writes.add(write);
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(v -> writeAll());
            }
        }

        /**
         * On the loop: every connection here shares its thread, so each is written to directly.
         * A notification's subscribers come in a row: they are counted (and its lag timed) once.
         * Each connection is flushed once, after the whole batch is written.
         */
        private void writeAll() {
            scheduled.set(false); // before reading: a write added from now on schedules another task
            Notification current = null;
            int written = 0;
            for (Write w = writes.poll(); w != null; w = writes.poll()) {
                if (w.notification() != current) {
                    counted(current, written);
                    current = w.notification();
                    written = 0;
                }
                if (w.connection().writeNotification(current)) {
                    written++;
                    touched.add(w.connection());
                }
            }
            counted(current, written);
            for (WebSocketConnection connection : touched) {
                connection.flush();
            }
            touched.clear();
        }

        private void counted(Notification notification, int written) {
            if (written > 0) {
                metrics.notificationWritten(notification.message(), written, notification.decidedAt());
            }
        }
    }

    private final ConcurrentHashMap<EventLoop, LoopQueue> queues = new ConcurrentHashMap<>();
    private final NodeMetrics metrics;

    NotificationQueues(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    /** Queues {@code notification} for {@code connection}, whose handlers run on {@code context}. */
    void add(WebSocketConnection connection, Context context, Notification notification) {
        EventLoop loop = ((ContextInternal) context).nettyEventLoop();
        queues.computeIfAbsent(loop, l -> new LoopQueue(context, metrics)).add(new Write(connection, notification));
    }
}
