package io.presence.protocol;

import java.util.List;
import java.util.Objects;

/** PRESENCE topic: subscriptions, queries and join/leave notifications. */
public record PresenceMessage(
        Action action,
        Topic originalTopic,
        int originalAction,
        String data,
        String correlationId,
        boolean isError,
        boolean isAck,
        String name,
        List<String> names) implements Message {

    public enum Action implements WireCode {
        UNKNOWN(0), ERROR(1), QUERY_ALL(2), QUERY_ALL_RESPONSE(3), QUERY(4), QUERY_RESPONSE(5),
        PRESENCE_JOIN(6), PRESENCE_JOIN_ALL(7), PRESENCE_LEAVE(8), PRESENCE_LEAVE_ALL(9),
        SUBSCRIBE(10), UNSUBSCRIBE(11), SUBSCRIBE_ALL(12), UNSUBSCRIBE_ALL(13),
        INVALID_PRESENCE_USERS(100), MESSAGE_PERMISSION_ERROR(101), MESSAGE_DENIED(102),
        MULTIPLE_SUBSCRIPTIONS(103), NOT_SUBSCRIBED(104);

        private static final Table<Action> TABLE = new Table<>(values());
        private final int code;

        Action(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }

        public static Action find(int code) {
            return TABLE.find(code);
        }
    }

    /** The name the protocol uses for "subscribed to everyone" in MULTIPLE_SUBSCRIPTIONS. */
    public static final String EVERYONE = "%_EVERYONE_%";

    public PresenceMessage {
        Objects.requireNonNull(action, "action");
        names = names == null ? List.of() : List.copyOf(names);
    }

    public static PresenceMessage of(Action action) {
        return new PresenceMessage(action, null, 0, null, null, false, false, null, List.of());
    }

    public static PresenceMessage named(Action action, String name) {
        return new PresenceMessage(action, null, 0, null, null, false, false, name, List.of());
    }

    public static PresenceMessage ack(Action action, String correlationId) {
        return new PresenceMessage(action, null, 0, null, correlationId, false, true, null, List.of());
    }

    public static PresenceMessage request(Action action, String correlationId, List<String> names) {
        return new PresenceMessage(action, null, 0, null, correlationId, false, false, null, names);
    }

    public static PresenceMessage queryAllResponse(String correlationId, List<String> names) {
        return new PresenceMessage(Action.QUERY_ALL_RESPONSE, null, 0, null, correlationId, false, false, null, names);
    }

    public static PresenceMessage queryResponse(String correlationId, String dataJson) {
        return new PresenceMessage(Action.QUERY_RESPONSE, null, 0, dataJson, correlationId, false, false, null, List.of());
    }

    /** A warning or error about one name of a request, e.g. MULTIPLE_SUBSCRIPTIONS. */
    public static PresenceMessage aboutName(Action action, Action original, String correlationId, String name, boolean isError) {
        return new PresenceMessage(action, Topic.PRESENCE, original.code(), null, correlationId, isError, false, name, List.of());
    }

    @Override
    public Topic topic() {
        return Topic.PRESENCE;
    }

    @Override
    public int actionCode() {
        return action.code();
    }
}
