package io.presence.protocol;

/** PARSER topic: the reply to a frame that could not be read as a message. */
public record ParserMessage(Action action, String data, Topic originalTopic, int originalAction) implements Message {

    public enum Action implements WireCode {
        UNKNOWN(0), UNKNOWN_TOPIC(1), UNKNOWN_ACTION(2), INVALID_MESSAGE(3), MESSAGE_PARSE_ERROR(4),
        MAXIMUM_MESSAGE_SIZE_EXCEEDED(5), ERROR(6), INVALID_META_PARAMS(7);

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

    public ParserMessage {
        java.util.Objects.requireNonNull(action, "action");
    }

    /** A parser error whose data is a human-readable reason (as a JSON string). */
    public static ParserMessage error(Action action, String reason, Topic originalTopic, int originalAction) {
        return new ParserMessage(action, JsonText.quote(reason), originalTopic, originalAction);
    }

    @Override
    public Topic topic() {
        return Topic.PARSER;
    }

    @Override
    public int actionCode() {
        return action.code();
    }
}
