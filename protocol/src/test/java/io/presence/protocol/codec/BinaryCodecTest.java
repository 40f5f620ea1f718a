package io.presence.protocol.codec;

import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.Topic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Tag("unit")
class BinaryCodecTest {

    private final BinaryCodec codec = new BinaryCodec();

    static Stream<Message> messages() {
        return SampleMessages.all().stream();
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageSurvivesARoundTrip(Message message) throws DecodeException {
        assertEquals(message, codec.decode(codec.encode(message)));
    }

    @Test
    void referenceExampleFrameDecodesToJoinAllForAlex() throws DecodeException {
        byte[] frame = HexFormat.ofDelimiter(" ").parseHex("0c 10 07 1a 08 08 07 42 04 41 6c 65 78");
        assertEquals(PresenceMessage.named(PresenceMessage.Action.PRESENCE_JOIN_ALL, "Alex"), codec.decode(frame));
    }

    @Test
    void joinAllForAlexEncodesToTheReferenceBytes() {
        byte[] expected = HexFormat.ofDelimiter(" ").parseHex("0c 10 07 1a 08 08 07 42 04 41 6c 65 78");
        assertArrayEquals(expected, codec.encode(PresenceMessage.named(PresenceMessage.Action.PRESENCE_JOIN_ALL, "Alex")));
    }

    @Test
    void frameStartsWithLengthThenTopicThenMessageField() {
        byte[] frame = codec.encode(PresenceMessage.request(PresenceMessage.Action.QUERY, "0", List.of("Nia")));
        assertEquals(frame.length - 1, frame[0]);
        assertEquals(0x10, frame[1]);
        assertEquals(Topic.PRESENCE.code(), frame[2]);
        assertEquals(0x1a, frame[3]);
    }

    @Test
    void truncatedFrameIsAParseError() {
        byte[] frame = HexFormat.ofDelimiter(" ").parseHex("0c 10 07 1a 08 08 07 42");
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(ParserMessage.Action.MESSAGE_PARSE_ERROR, e.reason());
    }

    @Test
    void unterminatedVarintIsAParseError() {
        byte[] frame = {(byte) 0xff, (byte) 0xff};
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(ParserMessage.Action.MESSAGE_PARSE_ERROR, e.reason());
    }

    @Test
    void garbageInsideTheTopicMessageIsAParseError() {
        // topic PRESENCE, message bytes = a field tag with wire type 7 (invalid)
        byte[] frame = HexFormat.ofDelimiter(" ").parseHex("05 10 07 1a 01 0f");
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(ParserMessage.Action.MESSAGE_PARSE_ERROR, e.reason());
    }

    @Test
    void unknownTopicIsReportedAsSuch() {
        byte[] frame = HexFormat.ofDelimiter(" ").parseHex("04 10 2a 1a 00");
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(ParserMessage.Action.UNKNOWN_TOPIC, e.reason());
    }

    @Test
    void unknownActionIsReportedWithItsTopicAndNumber() {
        byte[] frame = HexFormat.ofDelimiter(" ").parseHex("06 10 07 1a 02 08 63");
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
        assertEquals(ParserMessage.Action.UNKNOWN_ACTION, e.reason());
        assertEquals(Topic.PRESENCE, e.topic());
        assertEquals(99, e.action());
    }
}
