package io.presence.protocol;

/** CONNECTION topic: handshake, heartbeat and connection-level errors. */
public record ConnectionMessage(
        Action action,
        String data,
        boolean isError,
        boolean isAck,
        String url,
        String protocolVersion,
        String sdkVersion,
        String sdkType) implements Message {

    public enum Action implements WireCode {
        UNKNOWN(0), ERROR(1), PING(2), PONG(3), ACCEPT(4), CHALLENGE(5), REJECT(6), REDIRECT(7),
        CLOSING(8), CLOSED(9), AUTHENTICATION_TIMEOUT(100), INVALID_MESSAGE(101);

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

    public ConnectionMessage {
        java.util.Objects.requireNonNull(action, "action");
    }

    public static ConnectionMessage of(Action action) {
        return new ConnectionMessage(action, null, false, false, null, null, null, null);
    }

    public static ConnectionMessage error(Action action, String reason) {
        return new ConnectionMessage(action, JsonText.quote(reason), true, false, null, null, null, null);
    }

    public static ConnectionMessage challenge(String url, String protocolVersion, String sdkVersion, String sdkType) {
        return new ConnectionMessage(Action.CHALLENGE, null, false, false, url, protocolVersion, sdkVersion, sdkType);
    }

    @Override
    public Topic topic() {
        return Topic.CONNECTION;
    }

    @Override
    public int actionCode() {
        return action.code();
    }
}
