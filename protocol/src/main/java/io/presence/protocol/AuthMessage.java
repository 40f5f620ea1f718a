package io.presence.protocol;

/** AUTH topic: the login request and its outcome. */
public record AuthMessage(Action action, String data, boolean isError, boolean isAck) implements Message {

    public enum Action implements WireCode {
        UNKNOWN(0), ERROR(1), REQUEST(2), AUTH_SUCCESSFUL(3), AUTH_UNSUCCESSFUL(4),
        TOO_MANY_AUTH_ATTEMPTS(100), INVALID_MESSAGE(101), INVALID_MESSAGE_DATA(102);

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

    public AuthMessage {
        java.util.Objects.requireNonNull(action, "action");
    }

    public static AuthMessage of(Action action, String data) {
        return new AuthMessage(action, data, false, false);
    }

    public static AuthMessage error(Action action, String reason) {
        return new AuthMessage(action, JsonText.quote(reason), true, false);
    }

    @Override
    public Topic topic() {
        return Topic.AUTH;
    }

    @Override
    public int actionCode() {
        return action.code();
    }
}
