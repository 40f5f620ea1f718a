package io.presence.protocol;

/**
 * A frame that is not a valid message. Carries the PARSER action to reply with and, where the
 * frame got that far, the topic and action it claimed, so the reply can name them.
 */
public final class DecodeException extends Exception {

    private final ParserMessage.Action reason;
    private final Topic topic;
    private final int action;

    public DecodeException(ParserMessage.Action reason, String message, Topic topic, int action, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.topic = topic;
        this.action = action;
    }

    public DecodeException(ParserMessage.Action reason, String message) {
        this(reason, message, null, 0, null);
    }

    public ParserMessage.Action reason() {
        return reason;
    }

    public Topic topic() {
        return topic;
    }

    public int action() {
        return action;
    }

    /** The PARSER reply that tells the sender what was wrong. */
    public ParserMessage toReply() {
        return ParserMessage.error(reason, getMessage(), topic, action);
    }
}
