package keel.log.internal;

import java.nio.ByteBuffer;

/**
 * A cursor over a region of a {@link ByteBuffer} that reads bytes, zigzag varints and varlongs with absolute
 * indexing (the buffer's position and limit never change) and reports malformed input through a sticky
 * {@link #status()} instead of exceptions: after the first failure every read returns 0 and the status stays.
 * A varint longer than 5 bytes or a varlong longer than 10 is {@link #TOO_LONG}, as in Kafka's
 * {@code ByteUtils.readVarint}: the fifth varint byte may carry more than the 4 bits that fit, and those extra
 * bits are dropped, exactly as Kafka does. Not API. Confined to one thread.
 */
public final class VarintReader {
    /** Every read so far succeeded. */
    public static final int OK = 0;
    /** A read ran past the limit. */
    public static final int TRUNCATED = 1;
    /** A varint had more than 5 bytes or a varlong more than 10. */
    public static final int TOO_LONG = 2;

    private static final int CONTINUATION_BIT = 0x80;
    private static final int PAYLOAD_MASK = 0x7F;
    private static final int PAYLOAD_BITS = 7;

    private ByteBuffer buffer;
    private int position;
    private int limit;
    private int status;

    /**
     * Points the cursor at a region and clears the status.
     *
     * @param buffer   the bytes.
     * @param position first index to read.
     * @param limit    index after the last readable byte, at most {@code buffer.limit()}.
     * @return this.
     */
    public VarintReader wrap(final ByteBuffer buffer, final int position, final int limit) {
        if (position < 0 || position > limit || limit > buffer.limit()) {
            throw new IllegalArgumentException("region [" + position + ", " + limit + ") is outside the buffer limit "
                + buffer.limit());
        }
        this.buffer = buffer;
        this.position = position;
        this.limit = limit;
        this.status = OK;
        return this;
    }

    /**
     * Index of the next byte to read.
     *
     * @return the position.
     */
    public int position() {
        return position;
    }

    /**
     * Index after the last readable byte.
     *
     * @return the limit.
     */
    public int limit() {
        return limit;
    }

    /**
     * Narrows or restores the readable region (used to confine reads to one record).
     *
     * @param newLimit index after the last readable byte, between the position and the buffer's limit.
     */
    public void limit(final int newLimit) {
        if (newLimit < position || newLimit > buffer.limit()) {
            throw new IllegalArgumentException("limit " + newLimit + " is outside [" + position + ", "
                + buffer.limit() + "]");
        }
        limit = newLimit;
    }

    /**
     * Bytes between the position and the limit.
     *
     * @return 0 or more.
     */
    public int remaining() {
        return limit - position;
    }

    /**
     * Outcome of the reads since {@link #wrap}.
     *
     * @return {@link #OK}, {@link #TRUNCATED} or {@link #TOO_LONG}.
     */
    public int status() {
        return status;
    }

    /**
     * Whether every read since {@link #wrap} succeeded.
     *
     * @return true if the status is {@link #OK}.
     */
    public boolean ok() {
        return status == OK;
    }

    /**
     * Reads one byte.
     *
     * @return the byte, or 0 after a failure.
     */
    public byte readByte() {
        if (status != OK) {
            return 0;
        }
        if (position >= limit) {
            fail(TRUNCATED);
            return 0;
        }
        return buffer.get(position++);
    }

    /**
     * Moves the position forward.
     *
     * @param length bytes to skip; a negative length or one past the limit fails with {@link #TRUNCATED}.
     */
    public void skip(final int length) {
        if (status != OK) {
            return;
        }
        if (length < 0 || length > limit - position) {
            fail(TRUNCATED);
            return;
        }
        position += length;
    }

    /**
     * Reads a zigzag varint of at most 5 bytes.
     *
     * @return the value, or 0 after a failure.
     */
    public int readVarint() {
        if (status != OK) {
            return 0;
        }
        int raw = 0;
        int shift = 0;
        int index = position;
        for (int i = 0; i < Varint.MAX_VARINT_BYTES; i++) {
            if (index >= limit) {
                fail(TRUNCATED);
                return 0;
            }
            final int b = buffer.get(index++);
            raw |= (b & PAYLOAD_MASK) << shift;
            if ((b & CONTINUATION_BIT) == 0) {
                position = index;
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += PAYLOAD_BITS;
        }
        fail(TOO_LONG);
        return 0;
    }

    /**
     * Reads a zigzag varlong of at most 10 bytes.
     *
     * @return the value, or 0 after a failure.
     */
    public long readVarlong() {
        if (status != OK) {
            return 0L;
        }
        long raw = 0L;
        int shift = 0;
        int index = position;
        for (int i = 0; i < Varint.MAX_VARLONG_BYTES; i++) {
            if (index >= limit) {
                fail(TRUNCATED);
                return 0L;
            }
            final int b = buffer.get(index++);
            raw |= (long) (b & PAYLOAD_MASK) << shift;
            if ((b & CONTINUATION_BIT) == 0) {
                position = index;
                return (raw >>> 1) ^ -(raw & 1L);
            }
            shift += PAYLOAD_BITS;
        }
        fail(TOO_LONG);
        return 0L;
    }

    /**
     * Describes a status for messages.
     *
     * @param status a status of this class.
     * @return e.g. {@code "truncated"}.
     */
    public static String describe(final int status) {
        switch (status) {
            case OK: return "ok";
            case TRUNCATED: return "truncated";
            case TOO_LONG: return "too long";
            default: return "status " + status;
        }
    }

    private void fail(final int newStatus) {
        status = newStatus;
    }
}
