package io.presence.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.Topic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code /deepstream-json} endpoint's codec: one JSON object per text frame, with the field
 * names of the protobuf schema. Outgoing {@code data} is written as {@code parsedData} (the JSON
 * value itself), which is what the official client reads in this mode. Acks carry
 * {@code "isAck":true}. Stateless and thread-safe.
 */
public final class JsonCodec {

    private final JsonFactory factory = JsonFactory.builder().build();

    /** Encodes {@code names} once, as the JSON string literals of the {@code names} array. */
    public EncodedNames encodeNames(List<String> names) {
        StringBuilder literals = new StringBuilder(names.size() * 16);
        int[] ends = new int[names.size()];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(names.size() * 16);
        for (int i = 0; i < names.size(); i++) {
            literals.setLength(0);
            literals.append('"');
            JsonStringEncoder.getInstance().quoteAsString(names.get(i), literals);
            literals.append('"');
            bytes.writeBytes(literals.toString().getBytes(StandardCharsets.UTF_8));
            ends[i] = bytes.size();
        }
        return new EncodedNames(bytes.toByteArray(), ends);
    }

    /**
     * The text {@code encode(PresenceMessage.queryAllResponse(correlationId, names less entry
     * excluded))} would give, copied from names encoded once; {@code excluded} is -1 for none.
     */
    public String encodeQueryAllResponse(String correlationId, EncodedNames names, int excluded) {
        StringBuilder head = new StringBuilder(64).append("{\"topic\":").append(Topic.PRESENCE.code())
                .append(",\"action\":").append(PresenceMessage.Action.QUERY_ALL_RESPONSE.code());
        if (correlationId != null) {
            head.append(",\"correlationId\":\"");
            JsonStringEncoder.getInstance().quoteAsString(correlationId, head);
            head.append('"');
        }
        head.append(",\"names\":[");
        byte[] prefix = head.toString().getBytes(StandardCharsets.UTF_8);
        int entries = names.size() - (excluded < 0 ? 0 : 1);
        byte[] out = new byte[prefix.length + names.lengthWithout(excluded) + Math.max(0, entries - 1) + 2];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        int at = prefix.length;
        boolean first = true;
        for (int i = 0; i < names.size(); i++) {
            if (i == excluded) {
                continue;
            }
            if (!first) {
                out[at++] = ',';
            }
            first = false;
            int start = names.start(i);
            int length = names.ends[i] - start;
            System.arraycopy(names.bytes, start, out, at, length);
            at += length;
        }
        out[at++] = ']';
        out[at] = '}';
        return new String(out, StandardCharsets.UTF_8);
    }

    public String encode(Message message) {
        StringWriter out = new StringWriter(96);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("topic", message.topic().code());
            g.writeNumberField("action", message.actionCode());
            if (message instanceof PresenceMessage m) {
                common(g, m.data(), m.isError(), m.isAck());
                origin(g, m.originalTopic(), m.originalAction());
                optional(g, "correlationId", m.correlationId());
                optional(g, "name", m.name());
                if (!m.names().isEmpty() || m.action() == PresenceMessage.Action.QUERY_ALL_RESPONSE) {
                    g.writeArrayFieldStart("names");
                    for (String name : m.names()) {
                        g.writeString(name);
                    }
                    g.writeEndArray();
                }
            } else if (message instanceof ConnectionMessage m) {
                common(g, m.data(), m.isError(), m.isAck());
                optional(g, "url", m.url());
                optional(g, "protocolVersion", m.protocolVersion());
                optional(g, "sdkVersion", m.sdkVersion());
                optional(g, "sdkType", m.sdkType());
            } else if (message instanceof AuthMessage m) {
                common(g, m.data(), m.isError(), m.isAck());
            } else {
                ParserMessage m = (ParserMessage) message;
                common(g, m.data(), false, false);
                origin(g, m.originalTopic(), m.originalAction());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toString();
    }

    public Message decode(String frame) throws DecodeException {
        DecodedFields fields = new DecodedFields();
        String parsedData = null;
        try (JsonParser p = factory.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("a frame must hold one JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "topic" -> fields.topic = integer(p, field);
                    case "action" -> fields.action = integer(p, field);
                    case "data" -> fields.data = string(p, field);
                    case "parsedData" -> parsedData = value == JsonToken.VALUE_NULL ? null : copy(p);
                    case "isError" -> fields.isError = bool(p, field);
                    case "isAck" -> fields.isAck = bool(p, field);
                    case "url" -> fields.url = string(p, field);
                    case "protocolVersion" -> fields.protocolVersion = string(p, field);
                    case "sdkVersion" -> fields.sdkVersion = string(p, field);
                    case "sdkType" -> fields.sdkType = string(p, field);
                    case "originalTOPIC" -> fields.originalTopic = integer(p, field);
                    case "originalAction" -> fields.originalAction = integer(p, field);
                    case "correlationId" -> fields.correlationId = string(p, field);
                    case "name" -> fields.name = string(p, field);
                    case "names" -> names(p, fields);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw invalid("a frame must hold exactly one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new DecodeException(ParserMessage.Action.MESSAGE_PARSE_ERROR,
                    "invalid JSON: " + e.getOriginalMessage(), null, 0, e);
        } catch (IOException e) {
            throw new DecodeException(ParserMessage.Action.MESSAGE_PARSE_ERROR, "unreadable frame", null, 0, e);
        }
        if (fields.data == null) {
            fields.data = parsedData;
        }
        return fields.toMessage();
    }

    private static void common(JsonGenerator g, String data, boolean isError, boolean isAck) throws IOException {
        if (data != null) {
            g.writeFieldName("parsedData");
            g.writeRawValue(data);
        }
        if (isError) {
            g.writeBooleanField("isError", true);
        }
        if (isAck) {
            g.writeBooleanField("isAck", true);
        }
    }

    private static void origin(JsonGenerator g, Topic originalTopic, int originalAction) throws IOException {
        if (originalTopic != null) {
            g.writeNumberField("originalTOPIC", originalTopic.code());
        }
        if (originalTopic != null || originalAction != 0) {
            g.writeNumberField("originalAction", originalAction);
        }
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private String copy(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    private static int integer(JsonParser p, String field) throws IOException, DecodeException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw invalid("\"" + field + "\" must be a 32-bit integer");
        }
        return p.getIntValue();
    }

    private static String string(JsonParser p, String field) throws IOException, DecodeException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw invalid("\"" + field + "\" must be a string");
        }
        return p.getText();
    }

    private static boolean bool(JsonParser p, String field) throws DecodeException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        if (!token.isBoolean()) {
            throw invalid("\"" + field + "\" must be true or false");
        }
        return token == JsonToken.VALUE_TRUE;
    }

    private static void names(JsonParser p, DecodedFields fields) throws IOException, DecodeException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid("\"names\" must be an array of strings");
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw invalid("\"names\" must be an array of strings");
            }
            fields.names.add(p.getText());
        }
    }

    private static DecodeException invalid(String reason) {
        return new DecodeException(ParserMessage.Action.INVALID_MESSAGE, reason);
    }
}
