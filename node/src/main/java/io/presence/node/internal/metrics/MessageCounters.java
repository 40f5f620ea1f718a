package io.presence.node.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.Topic;

/**
 * The messages of clients as figures: each one received, by topic and action; of those sent, the
 * notifications by kind and the errors by kind (deepstream's error actions).
 */
final class MessageCounters {

    /** A message's topic and action: what its counters are found by. */
    private record Kind(Topic topic, String action) {
        Kind(Message message) {
            this(message.topic(), actionName(message));
        }
    }

    private final LabelledCounters<Kind> received;
    private final LabelledCounters<Kind> errors;
    private final Counter[] events = new Counter[4];

    MessageCounters(MeterRegistry registry) {
        received = new LabelledCounters<>(registry, k -> Counter.builder("presence.messages.received")
                .description("Messages received from clients, by topic and action")
                .tags("topic", k.topic().name(), "action", k.action()));
        errors = new LabelledCounters<>(registry, k -> Counter.builder("presence.errors.sent")
                .description("Errors sent to clients, by topic and kind")
                .tags("topic", k.topic().name(), "error", k.action()));
        PresenceMessage.Action[] kinds = {PresenceMessage.Action.PRESENCE_JOIN, PresenceMessage.Action.PRESENCE_JOIN_ALL,
                PresenceMessage.Action.PRESENCE_LEAVE, PresenceMessage.Action.PRESENCE_LEAVE_ALL};
        for (int i = 0; i < kinds.length; i++) {
            String name = kinds[i].name();
            events[i] = Counter.builder("presence.events.sent")
                    .description("Login and logout notifications written to subscribers, by kind and subscription")
                    .tags("event", name.startsWith("PRESENCE_JOIN") ? "online" : "offline",
                            "subscription", name.endsWith("_ALL") ? "everyone" : "named")
                    .register(registry);
        }
    }

    void received(Message message) {
        received.increment(new Kind(message), 1);
    }

    void sent(Message message) {
        sent(message, 1);
    }

    /** {@code count} copies of {@code message} were sent (a notification to its subscribers). */
    void sent(Message message, int count) {
        if (message instanceof PresenceMessage p) {
            switch (p.action()) {
                case PRESENCE_JOIN -> events[0].increment(count);
                case PRESENCE_JOIN_ALL -> events[1].increment(count);
                case PRESENCE_LEAVE -> events[2].increment(count);
                case PRESENCE_LEAVE_ALL -> events[3].increment(count);
                default -> countIfError(message);
            }
        } else {
            countIfError(message);
        }
    }

    private void countIfError(Message message) {
        if (isError(message)) {
            errors.increment(new Kind(message), 1);
        }
    }

    /** deepstream's error actions: every PARSER message, ERROR, and codes from 100 up. */
    private static boolean isError(Message message) {
        if (message instanceof ParserMessage || message instanceof AuthMessage a && a.action() == AuthMessage.Action.AUTH_UNSUCCESSFUL) {
            return true;
        }
        return message.actionCode() == 1 || message.actionCode() >= 100;
    }

    private static String actionName(Message message) {
        if (message instanceof PresenceMessage p) {
            return p.action().name();
        }
        if (message instanceof ConnectionMessage c) {
            return c.action().name();
        }
        if (message instanceof AuthMessage a) {
            return a.action().name();
        }
        return ((ParserMessage) message).action().name();
    }
}
