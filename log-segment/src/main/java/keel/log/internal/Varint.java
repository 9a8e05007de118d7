package keel.log.internal;

/**
 * Encoder and size functions for the zigzag varints and varlongs of Kafka's record format (protobuf's
 * encoding: 7 bits per byte, least significant group first, high bit set on every byte but the last; zigzag maps
 * small negative numbers to small unsigned ones). Decoding lives in {@link VarintReader}. Not API. Stateless;
 * thread-safe.
 */
public final class Varint {
    /** Most bytes an int32 varint takes. */
    public static final int MAX_VARINT_BYTES = 5;
    /** Most bytes an int64 varlong takes. */
    public static final int MAX_VARLONG_BYTES = 10;

    private static final int CONTINUATION_BIT = 0x80;
    private static final int PAYLOAD_MASK = 0x7F;
    private static final int PAYLOAD_BITS = 7;

    private Varint() {
    }

    /**
     * Bytes the zigzag varint encoding of a value takes.
     *
     * @param value any int.
     * @return 1 to 5.
     */
    public static int sizeOfVarint(final int value) {
        int raw = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((raw & ~PAYLOAD_MASK) != 0) {
            bytes++;
            raw >>>= PAYLOAD_BITS;
        }
        return bytes;
    }

    /**
     * Bytes the zigzag varlong encoding of a value takes.
     *
     * @param value any long.
     * @return 1 to 10.
     */
    public static int sizeOfVarlong(final long value) {
        long raw = (value << 1) ^ (value >> 63);
        int bytes = 1;
        while ((raw & ~(long) PAYLOAD_MASK) != 0L) {
            bytes++;
            raw >>>= PAYLOAD_BITS;
        }
        return bytes;
    }

    /**
     * Writes the zigzag varint encoding of a value.
     *
     * @param dst   destination array with at least {@link #sizeOfVarint(int)} bytes from {@code index}.
     * @param index where to write.
     * @param value any int.
     * @return the index after the last byte written.
     */
    public static int putVarint(final byte[] dst, final int index, final int value) {
        int raw = (value << 1) ^ (value >> 31);
        int i = index;
        while ((raw & ~PAYLOAD_MASK) != 0) {
            dst[i++] = (byte) ((raw & PAYLOAD_MASK) | CONTINUATION_BIT);
            raw >>>= PAYLOAD_BITS;
        }
        dst[i++] = (byte) raw;
        return i;
    }

    /**
     * Writes the zigzag varlong encoding of a value.
     *
     * @param dst   destination array with at least {@link #sizeOfVarlong(long)} bytes from {@code index}.
     * @param index where to write.
     * @param value any long.
     * @return the index after the last byte written.
     */
    public static int putVarlong(final byte[] dst, final int index, final long value) {
        long raw = (value << 1) ^ (value >> 63);
        int i = index;
        while ((raw & ~(long) PAYLOAD_MASK) != 0L) {
            dst[i++] = (byte) ((raw & PAYLOAD_MASK) | CONTINUATION_BIT);
            raw >>>= PAYLOAD_BITS;
        }
        dst[i++] = (byte) raw;
        return i;
    }
}
