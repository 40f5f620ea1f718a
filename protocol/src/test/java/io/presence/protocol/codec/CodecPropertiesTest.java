package io.presence.protocol.codec;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.JsonText;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.testing.RandomInput;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static io.presence.protocol.testing.PropertyCheck.property;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Properties of both codecs, searched with generated input: whatever arrives, decoding either
 * succeeds or throws the codec's own {@link DecodeException}, never anything else; and every
 * message the protocol has, with any strings in it, survives a round trip.
 */
@Tag("unit")
class CodecPropertiesTest {

    private static final Duration BUDGET = Duration.ofSeconds(5);
    private static final List<Message> SAMPLES = SampleMessages.all();
    private final BinaryCodec binary = new BinaryCodec();
    private final JsonCodec json = new JsonCodec();

    @Test
    void anyBytesIntoTheBinaryCodecDecodeOrFailWithItsOwnError() {
        property("binary decode never throws anything but DecodeException").tries(20_000).within(BUDGET)
                .forAll(random -> random.nextBoolean()
                                ? RandomInput.bytes(random, 256)
                                : RandomInput.mutate(random, binary.encode(SAMPLES.get(random.nextInt(SAMPLES.size())))),
                        frame -> {
                            Message decoded = decodeOrNull(frame);
                            if (decoded != null) {
                                binary.encode(decoded); // what decodes can be answered about
                            }
                        });
    }

    @Test
    void anyTextIntoTheJsonCodecDecodesOrFailsWithItsOwnError() {
        property("json decode never throws anything but DecodeException").tries(20_000).within(BUDGET)
                .forAll(random -> switch (random.nextInt(3)) {
                            case 0 -> RandomInput.text(random, 64);
                            case 1 -> JsonText.write(RandomInput.jsonValue(random, 3));
                            default -> new String(RandomInput.mutate(random,
                                    json.encode(SAMPLES.get(random.nextInt(SAMPLES.size()))).getBytes(StandardCharsets.UTF_8)),
                                    StandardCharsets.UTF_8);
                        },
                        frame -> {
                            Message decoded = decodeOrNull(frame);
                            if (decoded != null) {
                                json.encode(decoded);
                            }
                        });
    }

    @Test
    void everyMessageWithAnyStringsSurvivesARoundTripInBothCodecs() {
        property("encode then decode gives the message back").tries(20_000).within(BUDGET)
                .forAll(random -> respell(SAMPLES.get(random.nextInt(SAMPLES.size())), random), message -> {
                    try {
                        assertEquals(message, binary.decode(binary.encode(message)), "binary");
                        assertEquals(message, json.decode(json.encode(message)), "json");
                    } catch (DecodeException e) {
                        throw new AssertionError("a message we encoded does not decode: " + e.getMessage(), e);
                    }
                });
    }

    private Message decodeOrNull(byte[] frame) {
        try {
            return binary.decode(frame);
        } catch (DecodeException expected) {
            return null;
        }
    }

    private Message decodeOrNull(String frame) {
        try {
            return json.decode(frame);
        } catch (DecodeException expected) {
            return null;
        }
    }

    /** The sample with each text it carries replaced by a random one of the same kind. */
    private static Message respell(Message sample, Random random) {
        if (sample instanceof ConnectionMessage c) {
            return new ConnectionMessage(c.action(), c.data() == null ? null : JsonText.quote(RandomInput.text(random, 40)),
                    c.isError(), c.isAck(), other(c.url(), random), other(c.protocolVersion(), random),
                    other(c.sdkVersion(), random), other(c.sdkType(), random));
        }
        if (sample instanceof AuthMessage a) {
            return new AuthMessage(a.action(), a.data() == null ? null : RandomInput.jsonObjectText(random), a.isError(), a.isAck());
        }
        if (sample instanceof PresenceMessage p) {
            return new PresenceMessage(p.action(), p.originalTopic(), p.originalAction(),
                    p.data() == null ? null : RandomInput.jsonObjectText(random),
                    p.correlationId() == null ? null : RandomInput.nonEmptyText(random, 10),
                    p.isError(), p.isAck(), p.name() == null ? null : RandomInput.nonEmptyText(random, 20),
                    p.names().isEmpty() ? p.names() : RandomInput.texts(random, 20, 20));
        }
        if (sample instanceof ParserMessage p) {
            return new ParserMessage(p.action(), p.data() == null ? null : JsonText.quote(RandomInput.text(random, 40)),
                    p.originalTopic(), p.originalAction());
        }
        return sample;
    }

    private static String other(String value, Random random) {
        return value == null ? null : RandomInput.nonEmptyText(random, 30);
    }
}
