package io.presence.protocol.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.Topic;
import io.presence.protocol.codec.pb.WireAuth;
import io.presence.protocol.codec.pb.WireConnection;
import io.presence.protocol.codec.pb.WireFrame;
import io.presence.protocol.codec.pb.WireParser;
import io.presence.protocol.codec.pb.WirePresence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code /deepstream} endpoint's codec: one message per binary frame, a varint length prefix,
 * then a {@link WireFrame} whose {@code message} bytes hold the per-topic message. Stateless and
 * thread-safe.
 */
public final class BinaryCodec {

    // field numbers of the schema (deepstream_wire.proto), for the answers written by hand
    private static final int FRAME_TOPIC_FIELD = WireFrame.TOPIC_FIELD_NUMBER;
    private static final int FRAME_MESSAGE_FIELD = WireFrame.MESSAGE_FIELD_NUMBER;
    private static final int PRESENCE_ACTION_FIELD = WirePresence.ACTION_FIELD_NUMBER;
    private static final int PRESENCE_CORRELATION_FIELD = WirePresence.CORRELATION_ID_FIELD_NUMBER;
    private static final int PRESENCE_NAMES_FIELD = WirePresence.NAMES_FIELD_NUMBER;

    public byte[] encode(Message message) {
        MessageLite inner;
        if (message instanceof PresenceMessage m) {
            inner = presence(m);
        } else if (message instanceof ConnectionMessage m) {
            inner = connection(m);
        } else if (message instanceof AuthMessage m) {
            inner = auth(m);
        } else {
            inner = parser((ParserMessage) message);
        }
        WireFrame frame = WireFrame.newBuilder()
                .setTopic(message.topic().code())
                .setMessage(inner.toByteString())
                .build();
        int size = frame.getSerializedSize();
        byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            stream.writeUInt32NoTag(size);
            frame.writeTo(stream);
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into an exactly sized array cannot fail", e);
        }
        return out;
    }

    /** Encodes {@code names} once, as the {@code names} fields of a PresenceMessage. */
    public EncodedNames encodeNames(List<String> names) {
        int[] ends = new int[names.size()];
        int total = 0;
        for (int i = 0; i < names.size(); i++) {
            total += CodedOutputStream.computeStringSize(PRESENCE_NAMES_FIELD, names.get(i));
            ends[i] = total;
        }
        byte[] bytes = new byte[total];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            for (String name : names) {
                out.writeString(PRESENCE_NAMES_FIELD, name);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into an exactly sized array cannot fail", e);
        }
        return new EncodedNames(bytes, ends);
    }

    /**
     * The frame {@code encode(PresenceMessage.queryAllResponse(correlationId, names less entry
     * excluded))} would give, byte for byte, copied from names encoded once; {@code excluded} is
     * -1 for none.
     */
    public byte[] encodeQueryAllResponse(String correlationId, EncodedNames names, int excluded) {
        int action = PresenceMessage.Action.QUERY_ALL_RESPONSE.code();
        int inner = CodedOutputStream.computeEnumSize(PRESENCE_ACTION_FIELD, action)
                + (correlationId == null ? 0 : CodedOutputStream.computeStringSize(PRESENCE_CORRELATION_FIELD, correlationId))
                + names.lengthWithout(excluded);
        int outer = CodedOutputStream.computeEnumSize(FRAME_TOPIC_FIELD, Topic.PRESENCE.code())
                + CodedOutputStream.computeTagSize(FRAME_MESSAGE_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(inner) + inner;
        byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(outer) + outer];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            stream.writeUInt32NoTag(outer);
            stream.writeEnum(FRAME_TOPIC_FIELD, Topic.PRESENCE.code());
            stream.writeTag(FRAME_MESSAGE_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            stream.writeUInt32NoTag(inner);
            stream.writeEnum(PRESENCE_ACTION_FIELD, action);
            if (correlationId != null) {
                stream.writeString(PRESENCE_CORRELATION_FIELD, correlationId);
            }
            if (excluded < 0) {
                stream.writeRawBytes(names.bytes, 0, names.lengthWithout(-1));
            } else {
                stream.writeRawBytes(names.bytes, 0, names.start(excluded));
                stream.writeRawBytes(names.bytes, names.ends[excluded], names.lengthWithout(-1) - names.ends[excluded]);
            }
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into an exactly sized array cannot fail", e);
        }
        return out;
    }

    public Message decode(byte[] frame) throws DecodeException {
        CodedInputStream in = CodedInputStream.newInstance(frame);
        WireFrame outer;
        try {
            int length = in.readRawVarint32();
            int remaining = frame.length - in.getTotalBytesRead();
            if (length != remaining) {
                throw new DecodeException(ParserMessage.Action.MESSAGE_PARSE_ERROR,
                        "length prefix says " + length + " bytes but " + remaining + " follow");
            }
            outer = WireFrame.parseFrom(in);
        } catch (IOException e) {
            throw new DecodeException(ParserMessage.Action.MESSAGE_PARSE_ERROR,
                    "not a length-delimited protobuf message: " + e.getMessage(), null, 0, e);
        }
        DecodedFields fields = new DecodedFields();
        fields.topic = outer.getTopic();
        Topic topic = Topic.find(outer.getTopic());
        ByteString body = outer.getMessage();
        try {
            if (topic == Topic.CONNECTION) {
                read(WireConnection.parseFrom(body), fields);
            } else if (topic == Topic.AUTH) {
                read(WireAuth.parseFrom(body), fields);
            } else if (topic == Topic.PRESENCE) {
                read(WirePresence.parseFrom(body), fields);
            } else if (topic == Topic.PARSER) {
                read(WireParser.parseFrom(body), fields);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new DecodeException(ParserMessage.Action.MESSAGE_PARSE_ERROR,
                    "the " + topic + " message is not valid protobuf: " + e.getMessage(), topic, 0, e);
        }
        return fields.toMessage();
    }

    private static WireConnection connection(ConnectionMessage m) {
        WireConnection.Builder b = WireConnection.newBuilder()
                .setAction(m.action().code()).setIsError(m.isError()).setIsAck(m.isAck());
        if (m.data() != null) b.setData(m.data());
        if (m.url() != null) b.setUrl(m.url());
        if (m.protocolVersion() != null) b.setProtocolVersion(m.protocolVersion());
        if (m.sdkVersion() != null) b.setSdkVersion(m.sdkVersion());
        if (m.sdkType() != null) b.setSdkType(m.sdkType());
        return b.build();
    }

    private static WireAuth auth(AuthMessage m) {
        WireAuth.Builder b = WireAuth.newBuilder()
                .setAction(m.action().code()).setIsError(m.isError()).setIsAck(m.isAck());
        if (m.data() != null) b.setData(m.data());
        return b.build();
    }

    private static WirePresence presence(PresenceMessage m) {
        WirePresence.Builder b = WirePresence.newBuilder()
                .setAction(m.action().code()).setIsError(m.isError()).setIsAck(m.isAck())
                .setOriginalAction(m.originalAction())
                .addAllNames(m.names());
        if (m.originalTopic() != null) b.setOriginalTopic(m.originalTopic().code());
        if (m.data() != null) b.setData(m.data());
        if (m.correlationId() != null) b.setCorrelationId(m.correlationId());
        if (m.name() != null) b.setName(m.name());
        return b.build();
    }

    private static WireParser parser(ParserMessage m) {
        WireParser.Builder b = WireParser.newBuilder()
                .setAction(m.action().code()).setOriginalAction(m.originalAction());
        if (m.originalTopic() != null) b.setOriginalTopic(m.originalTopic().code());
        if (m.data() != null) b.setData(m.data());
        return b.build();
    }

    private static void read(WireConnection w, DecodedFields f) {
        f.action = w.getAction();
        f.data = w.hasData() ? w.getData() : null;
        f.isError = w.getIsError();
        f.isAck = w.getIsAck();
        f.url = w.hasUrl() ? w.getUrl() : null;
        f.protocolVersion = w.hasProtocolVersion() ? w.getProtocolVersion() : null;
        f.sdkVersion = w.hasSdkVersion() ? w.getSdkVersion() : null;
        f.sdkType = w.hasSdkType() ? w.getSdkType() : null;
    }

    private static void read(WireAuth w, DecodedFields f) {
        f.action = w.getAction();
        f.data = w.hasData() ? w.getData() : null;
        f.isError = w.getIsError();
        f.isAck = w.getIsAck();
    }

    private static void read(WirePresence w, DecodedFields f) {
        f.action = w.getAction();
        f.originalTopic = w.getOriginalTopic();
        f.originalAction = w.getOriginalAction();
        f.data = w.hasData() ? w.getData() : null;
        f.correlationId = w.hasCorrelationId() ? w.getCorrelationId() : null;
        f.isError = w.getIsError();
        f.isAck = w.getIsAck();
        f.name = w.hasName() ? w.getName() : null;
        f.names.addAll(w.getNamesList());
    }

    private static void read(WireParser w, DecodedFields f) {
        f.action = w.getAction();
        f.data = w.hasData() ? w.getData() : null;
        f.originalTopic = w.getOriginalTopic();
        f.originalAction = w.getOriginalAction();
    }
}
