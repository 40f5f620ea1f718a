package io.presence.protocol;

/** The TOPIC enum of deepstream's protocol. */
public enum Topic implements WireCode {
    UNKNOWN(0), PARSER(1), CONNECTION(2), AUTH(3), EVENT(4), RECORD(5), RPC(6), PRESENCE(7),
    MONITORING(8), CLUSTER(9), LOCK(10), STATE_REGISTRY(11), ERROR(100);

    private static final Table<Topic> TABLE = new Table<>(values());
    private final int code;

    Topic(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The topic with this number, or {@code null}. */
    public static Topic find(int code) {
        return TABLE.find(code);
    }
}
