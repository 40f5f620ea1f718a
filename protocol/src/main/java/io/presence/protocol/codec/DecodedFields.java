package io.presence.protocol.codec;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.Topic;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one incoming frame, whichever codec read them. Both decoders fill one of these and
 * call {@link #toMessage()}, so the rules for topics and actions live in one place.
 */
final class DecodedFields {
    Integer topic;
    Integer action;
    String data;
    boolean isError;
    boolean isAck;
    String url;
    String protocolVersion;
    String sdkVersion;
    String sdkType;
    int originalTopic;
    int originalAction;
    String correlationId;
    String name;
    List<String> names = new ArrayList<>();

    Message toMessage() throws DecodeException {
        if (topic == null) {
            throw new DecodeException(ParserMessage.Action.INVALID_MESSAGE, "the message has no topic");
        }
        Topic knownTopic = Topic.find(topic);
        if (knownTopic == null) {
            throw new DecodeException(ParserMessage.Action.UNKNOWN_TOPIC, "unknown topic " + topic, null, 0, null);
        }
        int actionCode = action == null ? 0 : action;
        Topic origin = originalTopic == 0 ? null : Topic.find(originalTopic);
        switch (knownTopic) {
            case CONNECTION -> {
                ConnectionMessage.Action a = known(ConnectionMessage.Action.find(actionCode), knownTopic, actionCode);
                return new ConnectionMessage(a, data, isError, isAck, url, protocolVersion, sdkVersion, sdkType);
            }
            case AUTH -> {
                AuthMessage.Action a = known(AuthMessage.Action.find(actionCode), knownTopic, actionCode);
                return new AuthMessage(a, data, isError, isAck);
            }
            case PRESENCE -> {
                PresenceMessage.Action a = known(PresenceMessage.Action.find(actionCode), knownTopic, actionCode);
                return new PresenceMessage(a, origin, originalAction, data, correlationId, isError, isAck, name, names);
            }
            case PARSER -> {
                ParserMessage.Action a = known(ParserMessage.Action.find(actionCode), knownTopic, actionCode);
                return new ParserMessage(a, data, origin, originalAction);
            }
            default -> throw new DecodeException(ParserMessage.Action.UNKNOWN_TOPIC,
                    "topic " + knownTopic + " is not served here", knownTopic, actionCode, null);
        }
    }

    private static <A> A known(A action, Topic topic, int code) throws DecodeException {
        if (action == null) {
            throw new DecodeException(ParserMessage.Action.UNKNOWN_ACTION,
                    "unknown action " + code + " for topic " + topic, topic, code, null);
        }
        return action;
    }
}
