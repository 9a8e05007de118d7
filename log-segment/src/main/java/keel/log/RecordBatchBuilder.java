package keel.log;

import static keel.log.RecordBatchFormat.ATTRIBUTES_OFFSET;
import static keel.log.RecordBatchFormat.BASE_OFFSET_OFFSET;
import static keel.log.RecordBatchFormat.BASE_SEQUENCE_OFFSET;
import static keel.log.RecordBatchFormat.BASE_TIMESTAMP_OFFSET;
import static keel.log.RecordBatchFormat.BATCH_LENGTH_OFFSET;
import static keel.log.RecordBatchFormat.CONTROL_FLAG_MASK;
import static keel.log.RecordBatchFormat.CRC_OFFSET;
import static keel.log.RecordBatchFormat.LAST_OFFSET_DELTA_OFFSET;
import static keel.log.RecordBatchFormat.LOG_OVERHEAD;
import static keel.log.RecordBatchFormat.MAGIC_OFFSET;
import static keel.log.RecordBatchFormat.MAGIC_VALUE_V2;
import static keel.log.RecordBatchFormat.MAX_TIMESTAMP_OFFSET;
import static keel.log.RecordBatchFormat.NO_PARTITION_LEADER_EPOCH;
import static keel.log.RecordBatchFormat.NO_PRODUCER_EPOCH;
import static keel.log.RecordBatchFormat.NO_PRODUCER_ID;
import static keel.log.RecordBatchFormat.NO_SEQUENCE;
import static keel.log.RecordBatchFormat.NO_TIMESTAMP;
import static keel.log.RecordBatchFormat.NULL_LENGTH;
import static keel.log.RecordBatchFormat.PARTITION_LEADER_EPOCH_OFFSET;
import static keel.log.RecordBatchFormat.PRODUCER_EPOCH_OFFSET;
import static keel.log.RecordBatchFormat.PRODUCER_ID_OFFSET;
import static keel.log.RecordBatchFormat.RECORDS_COUNT_OFFSET;
import static keel.log.RecordBatchFormat.RECORDS_OFFSET;
import static keel.log.RecordBatchFormat.RECORD_ATTRIBUTES_LENGTH;
import static keel.log.RecordBatchFormat.RECORD_BATCH_OVERHEAD;
import static keel.log.RecordBatchFormat.TIMESTAMP_TYPE_MASK;
import static keel.log.RecordBatchFormat.TRANSACTIONAL_FLAG_MASK;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import keel.log.internal.CompressedPayloadEncoder;
import keel.log.internal.Varint;

/**
 * Builds one v2 record batch, byte for byte as Kafka's producer ({@code MemoryRecordsBuilder}) would: records are
 * appended with consecutive offset deltas from 0, {@code baseTimestamp} is the first record's timestamp,
 * {@code maxTimestamp} the largest (or the LogAppendTime), and the records area is compressed as one gzip stream or
 * one LZ4 frame with Kafka's framing. Snappy and Zstandard are refused at construction. Meant for embedders and
 * tests, not the broker's hot path: appends write into a growing internal array, and {@link #build()} returns a
 * new buffer. Settings return {@code this} for chaining. Confined to one thread; {@link #close()} frees the native
 * deflater used for gzip.
 */
public final class RecordBatchBuilder implements AutoCloseable {
    private static final int INITIAL_RECORDS_BYTES = 256;
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 64;
    private static final Header[] NO_HEADERS = new Header[0];

    private final Compression compression;
    private final CRC32C crc = new CRC32C();
    private CompressedPayloadEncoder encoder;
    private int maxBatchSizeBytes = Integer.MAX_VALUE;

    private long baseOffset;
    private int partitionLeaderEpoch;
    private long producerId;
    private short producerEpoch;
    private int baseSequence;
    private boolean transactional;
    private boolean control;
    private long logAppendTimeMs;

    private byte[] records = new byte[INITIAL_RECORDS_BYTES];
    private int recordsLength;
    private int recordCount;
    private long baseTimestamp;
    private long maxTimestamp;
    private boolean closed;

    /**
     * Creates an empty builder with Kafka's defaults: base offset 0, no producer, no leader epoch, CreateTime.
     *
     * @param compression {@link Compression#NONE}, {@link Compression#GZIP} or {@link Compression#LZ4}.
     * @throws IllegalArgumentException for {@link Compression#SNAPPY} and {@link Compression#ZSTD}.
     */
    public RecordBatchBuilder(final Compression compression) {
        if (!compression.isSupported()) {
            throw new IllegalArgumentException("Keel cannot build " + compression + " batches (supported: "
                + Compression.SUPPORTED_NAMES + ")");
        }
        this.compression = compression;
        reset();
    }

    /**
     * Codec of the batches this builder writes.
     *
     * @return the compression given at construction.
     */
    public Compression compression() {
        return compression;
    }

    /**
     * Sets the base offset (the broker overwrites it on append; producers send 0).
     *
     * @param baseOffset offset of the first record.
     * @return this.
     */
    public RecordBatchBuilder baseOffset(final long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    /**
     * Sets the partition leader epoch (the broker overwrites it on append).
     *
     * @param partitionLeaderEpoch epoch, or {@link RecordBatchFormat#NO_PARTITION_LEADER_EPOCH}.
     * @return this.
     */
    public RecordBatchBuilder partitionLeaderEpoch(final int partitionLeaderEpoch) {
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /**
     * Sets the idempotent producer id.
     *
     * @param producerId id, or {@link RecordBatchFormat#NO_PRODUCER_ID}.
     * @return this.
     */
    public RecordBatchBuilder producerId(final long producerId) {
        this.producerId = producerId;
        return this;
    }

    /**
     * Sets the idempotent producer epoch.
     *
     * @param producerEpoch epoch, or {@link RecordBatchFormat#NO_PRODUCER_EPOCH}.
     * @return this.
     */
    public RecordBatchBuilder producerEpoch(final short producerEpoch) {
        this.producerEpoch = producerEpoch;
        return this;
    }

    /**
     * Sets the sequence number of the first record.
     *
     * @param baseSequence sequence, or {@link RecordBatchFormat#NO_SEQUENCE}.
     * @return this.
     */
    public RecordBatchBuilder baseSequence(final int baseSequence) {
        this.baseSequence = baseSequence;
        return this;
    }

    /**
     * Marks the batch as part of a transaction (needs a producer id).
     *
     * @param transactional the transactional bit.
     * @return this.
     */
    public RecordBatchBuilder transactional(final boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    /**
     * Marks the batch as a control batch; the caller appends the control records (key and value in Kafka's
     * control record schema).
     *
     * @param control the control bit.
     * @return this.
     */
    public RecordBatchBuilder control(final boolean control) {
        this.control = control;
        return this;
    }

    /**
     * Chooses the timestamp type: LogAppendTime with the given broker time as {@code maxTimestamp} (every reader
     * then reports it as each record's timestamp), or CreateTime.
     *
     * @param logAppendTimeMs the append time, or {@link RecordBatchFormat#NO_TIMESTAMP} for CreateTime.
     * @return this.
     */
    public RecordBatchBuilder logAppendTime(final long logAppendTimeMs) {
        this.logAppendTimeMs = logAppendTimeMs;
        return this;
    }

    /**
     * Sets the limit {@link #hasRoomFor} checks against.
     *
     * @param maxBatchSizeBytes largest batch wanted, in bytes.
     * @return this.
     */
    public RecordBatchBuilder maxBatchSizeBytes(final int maxBatchSizeBytes) {
        if (maxBatchSizeBytes < RECORD_BATCH_OVERHEAD) {
            throw new IllegalArgumentException("maxBatchSizeBytes " + maxBatchSizeBytes + " is below the batch "
                + "overhead of " + RECORD_BATCH_OVERHEAD + " bytes");
        }
        this.maxBatchSizeBytes = maxBatchSizeBytes;
        return this;
    }

    /**
     * Appends a record at the next offset.
     *
     * @param timestampMs timestamp, 0 or more, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     * @param key         key bytes, or null.
     * @param value       value bytes, or null.
     * @param headers     headers (none is fine).
     * @return this.
     * @throws IllegalArgumentException for a negative timestamp other than {@link RecordBatchFormat#NO_TIMESTAMP}.
     * @throws IllegalStateException    if the batch would exceed 2 GiB or {@link Integer#MAX_VALUE} records.
     */
    public RecordBatchBuilder append(final long timestampMs, final byte[] key, final byte[] value,
                                     final Header... headers) {
        final int keyLength = key == null ? NULL_LENGTH : key.length;
        final int valueLength = value == null ? NULL_LENGTH : value.length;
        int position = appendPrefix(timestampMs, keyLength, valueLength, headers);
        position = putBytes(position, key);
        position = Varint.putVarint(records, position, valueLength);
        position = putBytes(position, value);
        appendHeaders(position, headers);
        return this;
    }

    /**
     * Appends a record at the next offset, reading key and value from their position to their limit without
     * changing either.
     *
     * @param timestampMs timestamp, 0 or more, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     * @param key         key bytes, or null.
     * @param value       value bytes, or null.
     * @param headers     headers (none is fine).
     * @return this.
     * @throws IllegalArgumentException for a negative timestamp other than {@link RecordBatchFormat#NO_TIMESTAMP}.
     * @throws IllegalStateException    if the batch would exceed 2 GiB or {@link Integer#MAX_VALUE} records.
     */
    public RecordBatchBuilder append(final long timestampMs, final ByteBuffer key, final ByteBuffer value,
                                     final Header... headers) {
        final int keyLength = key == null ? NULL_LENGTH : key.remaining();
        final int valueLength = value == null ? NULL_LENGTH : value.remaining();
        int position = appendPrefix(timestampMs, keyLength, valueLength, headers);
        position = putBytes(position, key);
        position = Varint.putVarint(records, position, valueLength);
        position = putBytes(position, value);
        appendHeaders(position, headers);
        return this;
    }

    /**
     * Whether a record fits within {@link #maxBatchSizeBytes(int)}, judged by {@link #estimatedSizeInBytes()}.
     * The first record always fits, as in Kafka's builder.
     *
     * @param timestampMs the record's timestamp.
     * @param key         key, or null.
     * @param value       value, or null.
     * @param headers     headers.
     * @return true if appending keeps the estimate within the limit.
     */
    public boolean hasRoomFor(final long timestampMs, final byte[] key, final byte[] value,
                              final Header... headers) {
        return hasRoomFor(timestampMs, key == null ? NULL_LENGTH : key.length,
            value == null ? NULL_LENGTH : value.length, headers);
    }

    /**
     * Whether a record fits within {@link #maxBatchSizeBytes(int)}, judged by {@link #estimatedSizeInBytes()}.
     * The first record always fits, as in Kafka's builder.
     *
     * @param timestampMs the record's timestamp.
     * @param key         key (position to limit), or null.
     * @param value       value (position to limit), or null.
     * @param headers     headers.
     * @return true if appending keeps the estimate within the limit.
     */
    public boolean hasRoomFor(final long timestampMs, final ByteBuffer key, final ByteBuffer value,
                              final Header... headers) {
        return hasRoomFor(timestampMs, key == null ? NULL_LENGTH : key.remaining(),
            value == null ? NULL_LENGTH : value.remaining(), headers);
    }

    /**
     * An upper bound of the size {@link #build()} returns now: the header plus the records, assuming for gzip and
     * LZ4 that the records do not compress at all (so a batch never exceeds the estimate).
     *
     * @return bytes.
     */
    public int estimatedSizeInBytes() {
        return (int) Math.min(Integer.MAX_VALUE, estimatedSize(recordsLength));
    }

    /**
     * Number of records appended.
     *
     * @return 0 or more.
     */
    public int recordCount() {
        return recordCount;
    }

    /**
     * Writes the batch into a new heap buffer.
     *
     * @return a big-endian buffer, position 0, limit = capacity = the batch size, with a valid CRC.
     * @throws IllegalStateException if no record was appended, or the batch is transactional without a producer id.
     */
    public ByteBuffer build() {
        final int payloadLength = encodePayload();
        final ByteBuffer batch = ByteBuffer.allocate(RECORD_BATCH_OVERHEAD + payloadLength);
        writeBatch(batch, 0, payloadLength);
        return batch;
    }

    /**
     * Writes the batch into a caller's buffer at an index, without changing its position or limit.
     *
     * @param dst    big-endian destination.
     * @param offset where the batch starts.
     * @return the batch size in bytes.
     * @throws IllegalArgumentException if the batch does not fit before the limit.
     * @throws IllegalStateException    as {@link #build()}.
     */
    public int writeTo(final ByteBuffer dst, final int offset) {
        if (dst.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("record batches are big-endian; the buffer is " + dst.order());
        }
        final int payloadLength = encodePayload();
        final int size = RECORD_BATCH_OVERHEAD + payloadLength;
        if (offset < 0 || (long) offset + size > dst.limit()) {
            throw new IllegalArgumentException("batch of " + size + " bytes does not fit at " + offset
                + " before the limit " + dst.limit());
        }
        writeBatch(dst, offset, payloadLength);
        return size;
    }

    /** Discards the records and restores every setting but the compression and the size limit to its default. */
    public void reset() {
        baseOffset = 0L;
        partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH;
        producerId = NO_PRODUCER_ID;
        producerEpoch = NO_PRODUCER_EPOCH;
        baseSequence = NO_SEQUENCE;
        transactional = false;
        control = false;
        logAppendTimeMs = NO_TIMESTAMP;
        recordsLength = 0;
        recordCount = 0;
        baseTimestamp = NO_TIMESTAMP;
        maxTimestamp = NO_TIMESTAMP;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
        }
    }

    private boolean hasRoomFor(final long timestampMs, final int keyLength, final int valueLength,
                               final Header[] headers) {
        if (recordCount == 0) {
            return true;
        }
        final long timestampDelta = timestampMs - baseTimestamp;
        final long bodyLength = bodyLength(timestampDelta, recordCount, keyLength, valueLength, headers);
        final long recordLength = Varint.sizeOfVarint((int) Math.min(bodyLength, Integer.MAX_VALUE)) + bodyLength;
        return estimatedSize(recordsLength + recordLength) <= maxBatchSizeBytes;
    }

    private long estimatedSize(final long recordsBytes) {
        return RECORD_BATCH_OVERHEAD + CompressedPayloadEncoder.maxEncodedLength(compression, recordsBytes);
    }

    /** Checks the record, writes its length, attributes, deltas and key length; returns the position after. */
    private int appendPrefix(final long timestampMs, final int keyLength, final int valueLength,
                             final Header[] headers) {
        if (closed) {
            throw new IllegalStateException("builder is closed");
        }
        if (timestampMs < 0 && timestampMs != NO_TIMESTAMP) {
            throw new IllegalArgumentException("Invalid negative timestamp " + timestampMs);
        }
        if (recordCount == Integer.MAX_VALUE) {
            throw new IllegalStateException("a batch holds at most " + Integer.MAX_VALUE + " records");
        }
        final long firstTimestamp = recordCount == 0 ? timestampMs : baseTimestamp;
        final long timestampDelta = timestampMs - firstTimestamp;
        final long bodyLength = bodyLength(timestampDelta, recordCount, keyLength, valueLength,
            headers == null ? NO_HEADERS : headers);
        final long recordLength = bodyLength + Varint.MAX_VARINT_BYTES;
        if (RECORD_BATCH_OVERHEAD + recordsLength + recordLength > MAX_ARRAY_BYTES) {
            throw new IllegalStateException("record of " + bodyLength + " bytes does not fit in a batch of "
                + recordsLength + " record bytes");
        }
        ensureCapacity(recordsLength + (int) recordLength);
        int position = Varint.putVarint(records, recordsLength, (int) bodyLength);
        records[position++] = 0;
        position = Varint.putVarlong(records, position, timestampDelta);
        position = Varint.putVarint(records, position, recordCount);
        position = Varint.putVarint(records, position, keyLength);
        if (recordCount == 0) {
            baseTimestamp = timestampMs;
        }
        maxTimestamp = Math.max(maxTimestamp, timestampMs);
        return position;
    }

    private void appendHeaders(final int start, final Header[] headers) {
        final Header[] all = headers == null ? NO_HEADERS : headers;
        int position = Varint.putVarint(records, start, all.length);
        for (Header header : all) {
            position = Varint.putVarint(records, position, header.keyUtf8.length);
            position = putBytes(position, header.keyUtf8);
            final byte[] value = header.value;
            position = Varint.putVarint(records, position, value == null ? NULL_LENGTH : value.length);
            position = putBytes(position, value);
        }
        recordsLength = position;
        recordCount++;
    }

    private static long bodyLength(final long timestampDelta, final int offsetDelta, final int keyLength,
                                   final int valueLength, final Header[] headers) {
        long size = RECORD_ATTRIBUTES_LENGTH + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(offsetDelta);
        size += Varint.sizeOfVarint(keyLength) + Math.max(0, keyLength);
        size += Varint.sizeOfVarint(valueLength) + Math.max(0, valueLength);
        size += Varint.sizeOfVarint(headers.length);
        for (Header header : headers) {
            final int headerKeyLength = header.keyUtf8.length;
            final int headerValueLength = header.value == null ? NULL_LENGTH : header.value.length;
            size += Varint.sizeOfVarint(headerKeyLength) + headerKeyLength;
            size += Varint.sizeOfVarint(headerValueLength) + Math.max(0, headerValueLength);
        }
        return size;
    }

    private int putBytes(final int position, final byte[] bytes) {
        if (bytes == null) {
            return position;
        }
        System.arraycopy(bytes, 0, records, position, bytes.length);
        return position + bytes.length;
    }

    private int putBytes(final int position, final ByteBuffer bytes) {
        if (bytes == null) {
            return position;
        }
        final int length = bytes.remaining();
        bytes.get(bytes.position(), records, position, length);
        return position + length;
    }

    private void ensureCapacity(final int required) {
        if (required > records.length) {
            final long capacity = Math.min(MAX_ARRAY_BYTES, Math.max(required, (long) records.length * 2));
            final byte[] grown = new byte[(int) capacity];
            System.arraycopy(records, 0, grown, 0, recordsLength);
            records = grown;
        }
    }

    private int encodePayload() {
        if (closed) {
            throw new IllegalStateException("builder is closed");
        }
        if (recordCount == 0) {
            throw new IllegalStateException("Cannot build a record batch without records");
        }
        if (transactional && producerId == NO_PRODUCER_ID) {
            throw new IllegalStateException("Cannot write transactional messages without a valid producer ID");
        }
        if (compression == Compression.NONE) {
            return recordsLength;
        }
        if (encoder == null) {
            encoder = new CompressedPayloadEncoder();
        }
        final int length = encoder.encode(compression, records, 0, recordsLength);
        if ((long) length + RECORD_BATCH_OVERHEAD > MAX_ARRAY_BYTES) {
            throw new IllegalStateException("compressed batch of " + length + " bytes is too large");
        }
        return length;
    }

    private void writeBatch(final ByteBuffer dst, final int offset, final int payloadLength) {
        final int size = RECORD_BATCH_OVERHEAD + payloadLength;
        int attributes = compression.id();
        if (logAppendTimeMs != NO_TIMESTAMP) {
            attributes |= TIMESTAMP_TYPE_MASK;
        }
        if (transactional) {
            attributes |= TRANSACTIONAL_FLAG_MASK;
        }
        if (control) {
            attributes |= CONTROL_FLAG_MASK;
        }
        dst.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
        dst.putInt(offset + BATCH_LENGTH_OFFSET, size - LOG_OVERHEAD);
        dst.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        dst.put(offset + MAGIC_OFFSET, MAGIC_VALUE_V2);
        dst.putShort(offset + ATTRIBUTES_OFFSET, (short) attributes);
        dst.putInt(offset + LAST_OFFSET_DELTA_OFFSET, recordCount - 1);
        dst.putLong(offset + BASE_TIMESTAMP_OFFSET, baseTimestamp);
        dst.putLong(offset + MAX_TIMESTAMP_OFFSET, logAppendTimeMs != NO_TIMESTAMP ? logAppendTimeMs : maxTimestamp);
        dst.putLong(offset + PRODUCER_ID_OFFSET, producerId);
        dst.putShort(offset + PRODUCER_EPOCH_OFFSET, producerEpoch);
        dst.putInt(offset + BASE_SEQUENCE_OFFSET, baseSequence);
        dst.putInt(offset + RECORDS_COUNT_OFFSET, recordCount);
        final byte[] payload = compression == Compression.NONE ? records : encoder.output();
        dst.put(offset + RECORDS_OFFSET, payload, 0, payloadLength);
        crc.reset();
        if (dst.hasArray()) {
            crc.update(dst.array(), dst.arrayOffset() + offset + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
        } else {
            final ByteBuffer view = dst.duplicate();
            view.clear();
            view.position(offset + ATTRIBUTES_OFFSET).limit(offset + size);
            crc.update(view);
        }
        dst.putInt(offset + CRC_OFFSET, (int) crc.getValue());
    }

    /**
     * A record header: a UTF-8 key (never null) and a value (null allowed). The value array is not copied.
     * Immutable; thread-safe if the value array is not modified.
     */
    public static final class Header {
        private final String key;
        private final byte[] keyUtf8;
        private final byte[] value;

        /**
         * Creates a header.
         *
         * @param key   header key.
         * @param value header value, or null.
         */
        public Header(final String key, final byte[] value) {
            if (key == null) {
                throw new IllegalArgumentException("Invalid null header key found in headers");
            }
            this.key = key;
            this.keyUtf8 = key.getBytes(StandardCharsets.UTF_8);
            this.value = value;
        }

        /**
         * The key.
         *
         * @return the key.
         */
        public String key() {
            return key;
        }

        /**
         * The value (not a copy).
         *
         * @return the value, or null.
         */
        public byte[] value() {
            return value;
        }

        @Override
        public String toString() {
            return "Header(key=" + key + ", valueLength=" + (value == null ? NULL_LENGTH : value.length) + ")";
        }
    }
}
