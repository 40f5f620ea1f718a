package io.presence.protocol.codec;

/**
 * A list of usernames encoded once by one codec for the {@code names} of QUERY_ALL_RESPONSE, so
 * that answering the same list again, less the asker, copies bytes instead of encoding every name.
 * Made by {@link BinaryCodec#encodeNames} or {@link JsonCodec#encodeNames}; only that codec reads it.
 */
public final class EncodedNames {

    /** The entries back to back: protobuf fields for the binary codec, JSON string literals for JSON. */
    final byte[] bytes;
    /** Where entry i ends in {@link #bytes}; it starts where entry i - 1 ends. */
    final int[] ends;

    EncodedNames(byte[] bytes, int[] ends) {
        this.bytes = bytes;
        this.ends = ends;
    }

    public int size() {
        return ends.length;
    }

    int start(int entry) {
        return entry == 0 ? 0 : ends[entry - 1];
    }

    /** How many bytes the entries take without entry {@code excluded} (-1 for none). */
    int lengthWithout(int excluded) {
        int total = ends.length == 0 ? 0 : ends[ends.length - 1];
        return excluded < 0 ? total : total - (ends[excluded] - start(excluded));
    }
}
