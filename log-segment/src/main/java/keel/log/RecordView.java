package keel.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A flyweight over the current record of a {@link RecordReader}: offsets, timestamp, and the positions of key,
 * value and headers inside {@link #buffer()} (the batch's own buffer for uncompressed batches, the reader's
 * decompression buffer otherwise). The primitive accessors and the {@code copyX} methods allocate nothing; the
 * methods returning {@code byte[]}, {@link String} or a {@link ByteBuffer} slice allocate, for convenience.
 * Everything is valid until the reader moves to the next record or opens another batch. Confined to the thread
 * that owns the reader.
 */
public final class RecordView {
    private static final int INITIAL_HEADER_CAPACITY = 4;

    ByteBuffer buffer;
    int sizeInBytes;
    byte attributes;
    long timestampDelta;
    long timestamp;
    int offsetDelta;
    long offset;
    int sequence;
    int keyOffset;
    int keyLength;
    int valueOffset;
    int valueLength;
    int headerCount;
    int[] headerKeyOffsets = new int[INITIAL_HEADER_CAPACITY];
    int[] headerKeyLengths = new int[INITIAL_HEADER_CAPACITY];
    int[] headerValueOffsets = new int[INITIAL_HEADER_CAPACITY];
    int[] headerValueLengths = new int[INITIAL_HEADER_CAPACITY];

    RecordView() {
    }

    /**
     * Offset of the record in the log.
     *
     * @return the batch's base offset plus {@link #offsetDelta()}.
     */
    public long offset() {
        return offset;
    }

    /**
     * Offset of the record relative to the batch's base offset.
     *
     * @return {@code offsetDelta} as stored.
     */
    public int offsetDelta() {
        return offsetDelta;
    }

    /**
     * Timestamp of the record: the batch's {@code maxTimestamp} in a LogAppendTime batch, otherwise the batch's
     * {@code baseTimestamp} plus {@link #timestampDelta()}.
     *
     * @return milliseconds, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * Timestamp delta as stored.
     *
     * @return {@code timestampDelta}.
     */
    public long timestampDelta() {
        return timestampDelta;
    }

    /**
     * Record attributes (unused by Kafka, 0).
     *
     * @return the byte as stored.
     */
    public byte attributes() {
        return attributes;
    }

    /**
     * Producer sequence number of the record.
     *
     * @return base sequence plus {@link #offsetDelta()} with wrap-around, or {@link RecordBatchFormat#NO_SEQUENCE}.
     */
    public int sequence() {
        return sequence;
    }

    /**
     * Encoded size of the record, length prefix included.
     *
     * @return bytes.
     */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /**
     * Buffer the offsets of this view point into. Read it with absolute indexing; do not modify it.
     *
     * @return the batch's buffer or the reader's decompression buffer.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Whether the key is not null.
     *
     * @return true if a key is present (possibly empty).
     */
    public boolean hasKey() {
        return keyLength >= 0;
    }

    /**
     * Index of the key in {@link #buffer()}.
     *
     * @return the index (meaningless for a null key).
     */
    public int keyOffset() {
        return keyOffset;
    }

    /**
     * Key length.
     *
     * @return bytes, or -1 for a null key.
     */
    public int keyLength() {
        return keyLength;
    }

    /**
     * Copies the key into a caller's array.
     *
     * @param dst       destination.
     * @param dstOffset where to copy.
     * @return bytes copied, or -1 for a null key.
     */
    public int copyKey(final byte[] dst, final int dstOffset) {
        return copy(keyOffset, keyLength, dst, dstOffset);
    }

    /**
     * The key as a new array (allocates).
     *
     * @return the key, or null.
     */
    public byte[] keyBytes() {
        return bytes(keyOffset, keyLength);
    }

    /**
     * The key as a read-only slice of {@link #buffer()} (allocates the slice, not the bytes).
     *
     * @return the key, or null.
     */
    public ByteBuffer key() {
        return slice(keyOffset, keyLength);
    }

    /**
     * Whether the value is not null.
     *
     * @return true if a value is present (possibly empty).
     */
    public boolean hasValue() {
        return valueLength >= 0;
    }

    /**
     * Index of the value in {@link #buffer()}.
     *
     * @return the index (meaningless for a null value).
     */
    public int valueOffset() {
        return valueOffset;
    }

    /**
     * Value length.
     *
     * @return bytes, or -1 for a null value.
     */
    public int valueLength() {
        return valueLength;
    }

    /**
     * Copies the value into a caller's array.
     *
     * @param dst       destination.
     * @param dstOffset where to copy.
     * @return bytes copied, or -1 for a null value.
     */
    public int copyValue(final byte[] dst, final int dstOffset) {
        return copy(valueOffset, valueLength, dst, dstOffset);
    }

    /**
     * The value as a new array (allocates).
     *
     * @return the value, or null.
     */
    public byte[] valueBytes() {
        return bytes(valueOffset, valueLength);
    }

    /**
     * The value as a read-only slice of {@link #buffer()} (allocates the slice, not the bytes).
     *
     * @return the value, or null.
     */
    public ByteBuffer value() {
        return slice(valueOffset, valueLength);
    }

    /**
     * Number of headers.
     *
     * @return 0 or more.
     */
    public int headerCount() {
        return headerCount;
    }

    /**
     * Index of a header's UTF-8 key in {@link #buffer()}.
     *
     * @param index 0 to {@link #headerCount()} - 1.
     * @return the index.
     */
    public int headerKeyOffset(final int index) {
        return headerKeyOffsets[checkHeader(index)];
    }

    /**
     * Length of a header's UTF-8 key (header keys are never null).
     *
     * @param index 0 to {@link #headerCount()} - 1.
     * @return bytes.
     */
    public int headerKeyLength(final int index) {
        return headerKeyLengths[checkHeader(index)];
    }

    /**
     * A header's key decoded from UTF-8 (allocates).
     *
     * @param index 0 to {@link #headerCount()} - 1.
     * @return the key.
     */
    public String headerKey(final int index) {
        final int i = checkHeader(index);
        final byte[] utf8 = new byte[headerKeyLengths[i]];
        buffer.get(headerKeyOffsets[i], utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /**
     * Index of a header's value in {@link #buffer()}.
     *
     * @param index 0 to {@link #headerCount()} - 1.
     * @return the index (meaningless for a null value).
     */
    public int headerValueOffset(final int index) {
        return headerValueOffsets[checkHeader(index)];
    }

    /**
     * Length of a header's value.
     *
     * @param index 0 to {@link #headerCount()} - 1.
     * @return bytes, or -1 for a null value.
     */
    public int headerValueLength(final int index) {
        return headerValueLengths[checkHeader(index)];
    }

    /**
     * A header's value as a new array (allocates).
     *
     * @param index 0 to {@link #headerCount()} - 1.
     * @return the value, or null.
     */
    public byte[] headerValue(final int index) {
        final int i = checkHeader(index);
        return bytes(headerValueOffsets[i], headerValueLengths[i]);
    }

    @Override
    public String toString() {
        return "Record(offset=" + offset + ", timestamp=" + timestamp + ", keyLength=" + keyLength
            + ", valueLength=" + valueLength + ", headers=" + headerCount + ")";
    }

    void ensureHeaderCapacity(final int count) {
        if (count > headerKeyOffsets.length) {
            final int capacity = Math.max(count, headerKeyOffsets.length * 2);
            headerKeyOffsets = new int[capacity];
            headerKeyLengths = new int[capacity];
            headerValueOffsets = new int[capacity];
            headerValueLengths = new int[capacity];
        }
    }

    private int checkHeader(final int index) {
        if (index < 0 || index >= headerCount) {
            throw new IndexOutOfBoundsException("header " + index + " of " + headerCount);
        }
        return index;
    }

    private int copy(final int from, final int length, final byte[] dst, final int dstOffset) {
        if (length > 0) {
            buffer.get(from, dst, dstOffset, length);
        }
        return length;
    }

    private byte[] bytes(final int from, final int length) {
        if (length < 0) {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.get(from, bytes);
        return bytes;
    }

    private ByteBuffer slice(final int from, final int length) {
        if (length < 0) {
            return null;
        }
        return buffer.slice(from, length).asReadOnlyBuffer();
    }
}
