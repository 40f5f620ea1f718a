package io.presence.protocol.codec;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Tag("unit")
class JsonCodecTest {

    private final JsonCodec codec = new JsonCodec();

    static Stream<Message> messages() {
        return SampleMessages.all().stream();
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageSurvivesARoundTrip(Message message) throws DecodeException {
        assertEquals(message, codec.decode(codec.encode(message)));
    }

    @Test
    void decodesTheOfficialClientsChallenge() throws DecodeException {
        Message m = codec.decode("{\"topic\":2,\"action\":5,\"url\":\"ws://127.0.0.1:6020/deepstream-json\","
                + "\"protocolVersion\":\"0.1a\",\"sdkVersion\":\"7.0.5\",\"sdkType\":\"javascript\",\"isAck\":false}");
        assertEquals(ConnectionMessage.challenge("ws://127.0.0.1:6020/deepstream-json", "0.1a", "7.0.5", "javascript"), m);
    }

    @Test
    void authRequestPrefersDataOverParsedData() throws DecodeException {
        Message m = codec.decode("{\"topic\":3,\"action\":2,\"parsedData\":{\"username\":\"Ann\"},"
                + "\"data\":\"{\\\"username\\\":\\\"Ann\\\"}\",\"isAck\":false}");
        assertEquals(AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"Ann\"}"), m);
    }

    @Test
    void parsedDataAloneBecomesData() throws DecodeException {
        Message m = codec.decode("{\"topic\":3,\"action\":2,\"parsedData\":{\"username\":\"Ann\"}}");
        assertEquals(AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"Ann\"}"), m);
    }

    @Test
    void ackIsWrittenWithIsAckTrue() {
        assertEquals("{\"topic\":7,\"action\":12,\"isAck\":true}",
                codec.encode(PresenceMessage.ack(PresenceMessage.Action.SUBSCRIBE_ALL, null)));
    }

    @Test
    void queryResponseCarriesParsedDataObject() {
        assertEquals("{\"topic\":7,\"action\":5,\"parsedData\":{\"Alex\":true},\"correlationId\":\"0\"}",
                codec.encode(PresenceMessage.queryResponse("0", "{\"Alex\":true}")));
    }

    @Test
    void emptyQueryAllResponseStillHasANamesArray() {
        assertEquals("{\"topic\":7,\"action\":3,\"names\":[]}",
                codec.encode(PresenceMessage.queryAllResponse(null, List.of())));
    }

    @Test
    void unknownFieldsAreIgnored() throws DecodeException {
        assertEquals(PresenceMessage.of(PresenceMessage.Action.QUERY_ALL),
                codec.decode("{\"topic\":7,\"action\":2,\"extra\":{\"deep\":[1,2,{}]},\"isAck\":false}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"topic\":7,", "not json", "[1,2]", "{\"topic\":7}{\"topic\":7}", "\"text\""})
    void malformedFramesAreRejected(String frame) {
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(true, e.reason() == ParserMessage.Action.MESSAGE_PARSE_ERROR
                || e.reason() == ParserMessage.Action.INVALID_MESSAGE, e.reason().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"topic\":\"7\",\"action\":2}", "{\"topic\":7,\"action\":2,\"names\":[1]}",
            "{\"topic\":7,\"action\":2,\"isAck\":\"yes\"}", "{\"action\":2}", "{\"topic\":7.5,\"action\":2}"})
    void wrongFieldTypesAreInvalidMessages(String frame) {
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(ParserMessage.Action.INVALID_MESSAGE, e.reason());
    }

    @Test
    void unknownTopicAndActionAreNamed() {
        assertEquals(ParserMessage.Action.UNKNOWN_TOPIC,
                assertThrows(DecodeException.class, () -> codec.decode("{\"topic\":42,\"action\":1}")).reason());
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode("{\"topic\":7,\"action\":99}"));
        assertEquals(ParserMessage.Action.UNKNOWN_ACTION, e.reason());
        assertEquals(99, e.action());
    }
}
