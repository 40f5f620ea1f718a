package io.presence.protocol.codec;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.presence.protocol.Topic;

import java.util.List;

/** One instance of every message the service sends or receives, with the fields each one uses. */
final class SampleMessages {

    private SampleMessages() {
    }

    static List<Message> all() {
        return List.of(
                ConnectionMessage.challenge("ws://127.0.0.1:6020/deepstream", "0.1a", "7.0.5", "javascript"),
                ConnectionMessage.of(ConnectionMessage.Action.ACCEPT),
                ConnectionMessage.of(ConnectionMessage.Action.PING),
                ConnectionMessage.of(ConnectionMessage.Action.PONG),
                ConnectionMessage.error(ConnectionMessage.Action.INVALID_MESSAGE, "send CHALLENGE first"),
                ConnectionMessage.error(ConnectionMessage.Action.AUTHENTICATION_TIMEOUT, "no login within 180000 ms"),
                AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"Alex\"}"),
                AuthMessage.of(AuthMessage.Action.REQUEST, "{}"),
                AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, null),
                AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, "{\"role\":\"admin\"}"),
                AuthMessage.of(AuthMessage.Action.AUTH_UNSUCCESSFUL, "{\"reason\":\"username too long\"}"),
                AuthMessage.error(AuthMessage.Action.TOO_MANY_AUTH_ATTEMPTS, "3 failed logins"),
                AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE, "log in first"),
                AuthMessage.error(AuthMessage.Action.INVALID_MESSAGE_DATA, "login data must be a JSON object"),
                PresenceMessage.of(Action.SUBSCRIBE_ALL),
                PresenceMessage.ack(Action.SUBSCRIBE_ALL, null),
                PresenceMessage.of(Action.UNSUBSCRIBE_ALL),
                PresenceMessage.ack(Action.UNSUBSCRIBE_ALL, null),
                PresenceMessage.request(Action.SUBSCRIBE, "0", List.of("Alex", "Ben")),
                PresenceMessage.ack(Action.SUBSCRIBE, "0"),
                PresenceMessage.request(Action.UNSUBSCRIBE, "1", List.of("Alex")),
                PresenceMessage.ack(Action.UNSUBSCRIBE, "1"),
                PresenceMessage.aboutName(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE, "2", "Alex", false),
                PresenceMessage.aboutName(Action.MULTIPLE_SUBSCRIPTIONS, Action.SUBSCRIBE_ALL, null, PresenceMessage.EVERYONE, false),
                PresenceMessage.aboutName(Action.NOT_SUBSCRIBED, Action.UNSUBSCRIBE, "3", "Zed", false),
                PresenceMessage.of(Action.QUERY_ALL),
                PresenceMessage.request(Action.QUERY_ALL, "7", List.of()),
                PresenceMessage.queryAllResponse(null, List.of("Bo", "Nia")),
                PresenceMessage.queryAllResponse("7", List.of()),
                PresenceMessage.request(Action.QUERY, "0", List.of("Nia", "Nobody")),
                PresenceMessage.queryResponse("0", "{\"Nia\":true,\"Nobody\":false}"),
                PresenceMessage.named(Action.PRESENCE_JOIN, "Alex"),
                PresenceMessage.named(Action.PRESENCE_JOIN_ALL, "Alex"),
                PresenceMessage.named(Action.PRESENCE_LEAVE, "Alex"),
                PresenceMessage.named(Action.PRESENCE_LEAVE_ALL, "Alex"),
                PresenceMessage.aboutName(Action.MESSAGE_DENIED, Action.QUERY, "4", "Alex", true),
                ParserMessage.error(ParserMessage.Action.UNKNOWN_TOPIC, "unknown topic 42", null, 0),
                ParserMessage.error(ParserMessage.Action.UNKNOWN_ACTION, "unknown action 99", Topic.PRESENCE, 99),
                ParserMessage.error(ParserMessage.Action.MESSAGE_PARSE_ERROR, "invalid JSON", null, 0),
                ParserMessage.error(ParserMessage.Action.MAXIMUM_MESSAGE_SIZE_EXCEEDED, "frame over 1048576 bytes", null, 0),
                ParserMessage.error(ParserMessage.Action.INVALID_MESSAGE, "text frame on the binary endpoint", null, 0));
    }
}
