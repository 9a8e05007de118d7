package keel.log;

import static keel.log.RecordBatchFormat.ATTRIBUTES_OFFSET;
import static keel.log.RecordBatchFormat.BASE_OFFSET_OFFSET;
import static keel.log.RecordBatchFormat.BASE_SEQUENCE_OFFSET;
import static keel.log.RecordBatchFormat.BASE_TIMESTAMP_OFFSET;
import static keel.log.RecordBatchFormat.BATCH_LENGTH_OFFSET;
import static keel.log.RecordBatchFormat.COMPRESSION_CODEC_MASK;
import static keel.log.RecordBatchFormat.CONTROL_FLAG_MASK;
import static keel.log.RecordBatchFormat.CRC_OFFSET;
import static keel.log.RecordBatchFormat.DELETE_HORIZON_FLAG_MASK;
import static keel.log.RecordBatchFormat.LAST_OFFSET_DELTA_OFFSET;
import static keel.log.RecordBatchFormat.LOG_OVERHEAD;
import static keel.log.RecordBatchFormat.MAGIC_OFFSET;
import static keel.log.RecordBatchFormat.MAGIC_VALUE_V2;
import static keel.log.RecordBatchFormat.MAX_TIMESTAMP_OFFSET;
import static keel.log.RecordBatchFormat.MIN_BATCH_LENGTH;
import static keel.log.RecordBatchFormat.NO_SEQUENCE;
import static keel.log.RecordBatchFormat.PARTITION_LEADER_EPOCH_OFFSET;
import static keel.log.RecordBatchFormat.PRODUCER_EPOCH_OFFSET;
import static keel.log.RecordBatchFormat.PRODUCER_ID_OFFSET;
import static keel.log.RecordBatchFormat.RECORDS_COUNT_OFFSET;
import static keel.log.RecordBatchFormat.RECORD_BATCH_OVERHEAD;
import static keel.log.RecordBatchFormat.TIMESTAMP_TYPE_CREATE_TIME;
import static keel.log.RecordBatchFormat.TIMESTAMP_TYPE_LOG_APPEND_TIME;
import static keel.log.RecordBatchFormat.TIMESTAMP_TYPE_MASK;
import static keel.log.RecordBatchFormat.TRANSACTIONAL_FLAG_MASK;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * A reusable flyweight over one v2 record batch in a {@link ByteBuffer} (layout: {@link RecordBatchFormat}):
 * reads every header field at its fixed offset, checks a batch the way a Kafka broker does, and writes the fields
 * a broker writes ({@code baseOffset}, {@code partitionLeaderEpoch}, LogAppendTime) in place. It never decodes
 * the batch into objects, never changes the buffer's position or limit, and allocates nothing per call: its
 * {@link CRC32C} is reused, a heap buffer is checksummed through its array, and a direct buffer through one
 * duplicate cached per buffer identity (so wrapping the same mapped segment or pooled buffer again and again costs
 * nothing). Confined to one thread.
 *
 * <p>Accessors read the bytes as they are: call one of the {@code validate} methods before trusting a batch
 * from a client, a replica or a file. Buffers must be big-endian (Java's default).
 */
public final class RecordBatchView {
    /** {@link #nextBatchSize} result: fewer than {@link RecordBatchFormat#LOG_OVERHEAD} bytes, or a partial batch. */
    public static final int BATCH_INCOMPLETE = -1;
    /** {@link #nextBatchSize} result: {@code batchLength} is below {@link RecordBatchFormat#MIN_BATCH_LENGTH}. */
    public static final int BATCH_LENGTH_INVALID = -2;

    private static final int MAX_KNOWN_COMPRESSION_ID = 4;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private int offset;
    private ByteBuffer crcSource;
    private ByteBuffer crcView;
    private String errorMessage;

    /**
     * Points this view at a batch. Cheap: stores two fields.
     *
     * @param buffer big-endian buffer holding the batch; read and written with absolute indexing.
     * @param offset index of the batch's first byte, between 0 and {@code buffer.limit()}.
     * @return this.
     * @throws IllegalArgumentException if the offset is outside the buffer or the buffer is little-endian.
     */
    public RecordBatchView wrap(final ByteBuffer buffer, final int offset) {
        if (offset < 0 || offset > buffer.limit()) {
            throw new IllegalArgumentException("offset " + offset + " is outside [0, " + buffer.limit() + "]");
        }
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("record batches are big-endian; the buffer is " + buffer.order());
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * The wrapped buffer.
     *
     * @return the buffer, or null before the first {@link #wrap}.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Index of the batch in the wrapped buffer.
     *
     * @return the offset given to {@link #wrap}.
     */
    public int offset() {
        return offset;
    }

    /**
     * Offset of the first record slot of the batch.
     *
     * @return {@code baseOffset}.
     */
    public long baseOffset() {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET);
    }

    /**
     * Bytes of the batch after the {@code batchLength} field.
     *
     * @return {@code batchLength} as stored (may be negative in corrupt data).
     */
    public int batchLength() {
        return buffer.getInt(offset + BATCH_LENGTH_OFFSET);
    }

    /**
     * Bytes of the whole batch: {@code batchLength + LOG_OVERHEAD}. Only meaningful after a {@code validate}
     * method returned {@link ErrorCode#NONE}; on corrupt data it may overflow.
     *
     * @return the batch size in bytes.
     */
    public int sizeInBytes() {
        return batchLength() + LOG_OVERHEAD;
    }

    /**
     * Leader epoch of the broker that appended the batch.
     *
     * @return the epoch, or {@link RecordBatchFormat#NO_PARTITION_LEADER_EPOCH}.
     */
    public int partitionLeaderEpoch() {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    /**
     * Format version.
     *
     * @return the magic byte; 2 for every batch Keel accepts.
     */
    public byte magic() {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    /**
     * Stored CRC-32C.
     *
     * @return the unsigned 32-bit value.
     */
    public long crc() {
        return Integer.toUnsignedLong(buffer.getInt(offset + CRC_OFFSET));
    }

    /**
     * The attributes field.
     *
     * @return the 16 bits as stored.
     */
    public short attributes() {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET);
    }

    /**
     * Compression codec id (attribute bits 0-2).
     *
     * @return 0 to 7; 5 to 7 are not defined by Kafka.
     */
    public int compressionId() {
        return attributes() & COMPRESSION_CODEC_MASK;
    }

    /**
     * Compression codec.
     *
     * @return the codec.
     * @throws IllegalArgumentException for ids 5 to 7 (rejected by {@link #validate}).
     */
    public Compression compression() {
        return Compression.forId(compressionId());
    }

    /**
     * Timestamp type.
     *
     * @return {@link RecordBatchFormat#TIMESTAMP_TYPE_CREATE_TIME} or
     *     {@link RecordBatchFormat#TIMESTAMP_TYPE_LOG_APPEND_TIME}.
     */
    public int timestampType() {
        return isLogAppendTime() ? TIMESTAMP_TYPE_LOG_APPEND_TIME : TIMESTAMP_TYPE_CREATE_TIME;
    }

    /**
     * Whether every record's timestamp is the broker's append time, {@link #maxTimestamp()}.
     *
     * @return true for LogAppendTime.
     */
    public boolean isLogAppendTime() {
        return (attributes() & TIMESTAMP_TYPE_MASK) != 0;
    }

    /**
     * Whether the batch belongs to a transaction.
     *
     * @return the transactional bit.
     */
    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    /**
     * Whether the batch holds control records (transaction markers).
     *
     * @return the control bit.
     */
    public boolean isControl() {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    /**
     * Whether {@link #baseTimestamp()} is the delete horizon the log cleaner set (KIP-534).
     *
     * @return the hasDeleteHorizonMs bit.
     */
    public boolean hasDeleteHorizonMs() {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    /**
     * Offset of the last record slot minus {@link #baseOffset()}.
     *
     * @return {@code lastOffsetDelta}.
     */
    public int lastOffsetDelta() {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET);
    }

    /**
     * Offset of the last record slot.
     *
     * @return {@code baseOffset + lastOffsetDelta}.
     */
    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /**
     * Offset after the batch.
     *
     * @return {@code lastOffset() + 1}.
     */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    /**
     * Timestamp of the first record (or the delete horizon, see {@link #hasDeleteHorizonMs()}).
     *
     * @return Kafka's {@code firstTimestamp}, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     */
    public long baseTimestamp() {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET);
    }

    /**
     * Largest record timestamp (CreateTime) or the broker's append time (LogAppendTime).
     *
     * @return the timestamp, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     */
    public long maxTimestamp() {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET);
    }

    /**
     * Idempotent producer id.
     *
     * @return the id, or {@link RecordBatchFormat#NO_PRODUCER_ID}.
     */
    public long producerId() {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET);
    }

    /**
     * Whether an idempotent producer wrote the batch.
     *
     * @return {@code producerId() >= 0}.
     */
    public boolean hasProducerId() {
        return producerId() >= 0;
    }

    /**
     * Idempotent producer epoch.
     *
     * @return the epoch, or {@link RecordBatchFormat#NO_PRODUCER_EPOCH}.
     */
    public short producerEpoch() {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET);
    }

    /**
     * Sequence number of the first record.
     *
     * @return the sequence, or {@link RecordBatchFormat#NO_SEQUENCE}.
     */
    public int baseSequence() {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET);
    }

    /**
     * Sequence number of the last record, wrapping past {@link Integer#MAX_VALUE} to 0 as Kafka does.
     *
     * @return the sequence, or {@link RecordBatchFormat#NO_SEQUENCE} if the batch has none.
     */
    public int lastSequence() {
        final int baseSequence = baseSequence();
        if (baseSequence == NO_SEQUENCE) {
            return NO_SEQUENCE;
        }
        return RecordBatchFormat.incrementSequence(baseSequence, lastOffsetDelta());
    }

    /**
     * Number of records stored (after compaction it may be below {@code lastOffsetDelta + 1}).
     *
     * @return {@code recordsCount} as stored.
     */
    public int recordCount() {
        return buffer.getInt(offset + RECORDS_COUNT_OFFSET);
    }

    /**
     * Computes the CRC-32C of the batch from {@code attributes} to its end, without allocating.
     *
     * @return the unsigned 32-bit CRC.
     * @throws IllegalStateException if {@code batchLength} is too small or runs past the buffer's limit.
     */
    public long computeCrc() {
        final long size = (long) batchLength() + LOG_OVERHEAD;
        if (size < RECORD_BATCH_OVERHEAD || offset + size > buffer.limit()) {
            throw new IllegalStateException("batch at position " + offset + " declares " + size
                + " bytes; the buffer limit is " + buffer.limit());
        }
        return crcOf(offset + ATTRIBUTES_OFFSET, offset + (int) size);
    }

    /**
     * Whether the stored CRC matches the bytes.
     *
     * @return true if {@link #crc()} equals {@link #computeCrc()}.
     * @throws IllegalStateException as {@link #computeCrc()}.
     */
    public boolean isCrcValid() {
        return crc() == computeCrc();
    }

    /**
     * Writes {@code baseOffset} in place; it is outside the CRC, so the CRC stays valid.
     *
     * @param baseOffset the offset the log assigns to the first record slot.
     */
    public void setBaseOffset(final long baseOffset) {
        buffer.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
    }

    /**
     * Writes {@code baseOffset} so that the batch's last offset becomes {@code lastOffset} (Kafka's
     * {@code setLastOffset}); outside the CRC.
     *
     * @param lastOffset the offset the log assigns to the last record slot.
     */
    public void setLastOffset(final long lastOffset) {
        setBaseOffset(lastOffset - lastOffsetDelta());
    }

    /**
     * Writes {@code partitionLeaderEpoch} in place; it is outside the CRC, so the CRC stays valid.
     *
     * @param epoch the leader epoch of the appending broker.
     */
    public void setPartitionLeaderEpoch(final int epoch) {
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /**
     * Marks the batch LogAppendTime with the broker's time as {@code maxTimestamp}, which every record then
     * reports as its timestamp, and rewrites the CRC (as Kafka's broker does for LogAppendTime topics).
     *
     * @param timestampMs the append time.
     */
    public void setLogAppendTime(final long timestampMs) {
        setMaxTimestamp(TIMESTAMP_TYPE_LOG_APPEND_TIME, timestampMs);
    }

    /**
     * Writes the timestamp type and {@code maxTimestamp}, keeping every other attribute bit, and rewrites the
     * CRC; does nothing if both already hold these values (Kafka's {@code setMaxTimestamp}).
     *
     * @param timestampType  {@link RecordBatchFormat#TIMESTAMP_TYPE_CREATE_TIME} or
     *                       {@link RecordBatchFormat#TIMESTAMP_TYPE_LOG_APPEND_TIME}.
     * @param maxTimestampMs the new {@code maxTimestamp}.
     * @throws IllegalStateException as {@link #computeCrc()}.
     */
    public void setMaxTimestamp(final int timestampType, final long maxTimestampMs) {
        if (timestampType != TIMESTAMP_TYPE_CREATE_TIME && timestampType != TIMESTAMP_TYPE_LOG_APPEND_TIME) {
            throw new IllegalArgumentException("unknown timestamp type " + timestampType);
        }
        final short attributes = attributes();
        final short newAttributes = timestampType == TIMESTAMP_TYPE_LOG_APPEND_TIME
            ? (short) (attributes | TIMESTAMP_TYPE_MASK) : (short) (attributes & ~TIMESTAMP_TYPE_MASK);
        if (newAttributes == attributes && maxTimestamp() == maxTimestampMs) {
            return;
        }
        buffer.putShort(offset + ATTRIBUTES_OFFSET, newAttributes);
        buffer.putLong(offset + MAX_TIMESTAMP_OFFSET, maxTimestampMs);
        buffer.putInt(offset + CRC_OFFSET, (int) computeCrc());
    }

    /**
     * Checks a batch a client produced, with the rules of Kafka's broker ({@code UnifiedLog.analyzeAndValidateRecords}
     * and {@code LogValidator.validateBatch} for origin CLIENT), in this order:
     * <ol>
     *   <li>{@link ErrorCode#CORRUPT_MESSAGE}: fewer than {@link RecordBatchFormat#RECORD_BATCH_OVERHEAD} bytes
     *       remain, {@code batchLength} is below {@link RecordBatchFormat#MIN_BATCH_LENGTH}, or the batch runs past
     *       the bytes remaining (truncated);</li>
     *   <li>{@link ErrorCode#UNSUPPORTED_FOR_MESSAGE_FORMAT}: magic is not 2;</li>
     *   <li>{@link ErrorCode#MESSAGE_TOO_LARGE}: {@link #sizeInBytes()} exceeds {@code maxMessageBytes}
     *       (Kafka's {@code max.message.bytes} counts the whole batch);</li>
     *   <li>{@link ErrorCode#CORRUPT_MESSAGE}: the CRC does not match;</li>
     *   <li>{@link ErrorCode#UNSUPPORTED_COMPRESSION_TYPE}: compression id 5 to 7 (no such codec);</li>
     *   <li>{@link ErrorCode#INVALID_RECORD}: {@code lastOffsetDelta} is negative; {@code recordsCount} is not
     *       positive; {@code recordsCount != lastOffsetDelta + 1} (Kafka enforces this for every magic 2 batch
     *       from a client, compressed or not: only compaction may leave gaps); the control bit is set (clients may
     *       not write control batches); or a producer id is set with a negative {@code baseSequence}.</li>
     * </ol>
     * Rules that need more than the header are left to the caller: the records themselves
     * ({@link RecordReader#tryValidateRecords}), timestamps against the topic's limits, producer sequences.
     * Allocates nothing when the batch is valid.
     *
     * @param remainingBytes  bytes available from the batch's offset (capped at the buffer's limit).
     * @param maxMessageBytes largest batch accepted, in bytes.
     * @return {@link ErrorCode#NONE} or the first rule broken; the reason is in {@link #errorMessage()}.
     */
    public int validate(final int remainingBytes, final int maxMessageBytes) {
        int code = validateHeaderOnly(remainingBytes);
        if (code != ErrorCode.NONE) {
            return code;
        }
        final int size = sizeInBytes();
        if (size > maxMessageBytes) {
            return fail(ErrorCode.MESSAGE_TOO_LARGE, "batch of " + size + " bytes at offset " + baseOffset()
                + " exceeds the maximum of " + maxMessageBytes + " bytes");
        }
        code = checkCrc();
        if (code != ErrorCode.NONE) {
            return code;
        }
        if (compressionId() > MAX_KNOWN_COMPRESSION_ID) {
            return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, "unknown compression id " + compressionId()
                + " in batch at offset " + baseOffset());
        }
        final int lastOffsetDelta = lastOffsetDelta();
        final long count = recordCount();
        if (lastOffsetDelta < 0) {
            return fail(ErrorCode.INVALID_RECORD, "Batch has an invalid offset range: [" + baseOffset() + ", "
                + lastOffset() + "]");
        }
        if (count <= 0) {
            return fail(ErrorCode.INVALID_RECORD, "Invalid reported count for record batch: " + count);
        }
        if (count != lastOffsetDelta + 1L) {
            return fail(ErrorCode.INVALID_RECORD, "Inconsistent batch offset range [" + baseOffset() + ", "
                + lastOffset() + "] and count of records " + count);
        }
        if (isControl()) {
            return fail(ErrorCode.INVALID_RECORD, "Clients are not allowed to write control records");
        }
        if (hasProducerId() && baseSequence() < 0) {
            return fail(ErrorCode.INVALID_RECORD, "Invalid sequence number " + baseSequence()
                + " in record batch with producerId " + producerId());
        }
        return ErrorCode.NONE;
    }

    /**
     * Checks a batch read back from a segment or fetched from a leader, with the rules of Kafka's recovery
     * ({@code LogSegment.recover}: size and CRC) plus two that keep offsets sane: framing, magic and CRC as in
     * {@link #validate}, then {@link ErrorCode#INVALID_RECORD} if {@code lastOffsetDelta} or {@code recordsCount}
     * is negative. A count below {@code lastOffsetDelta + 1}, even 0, is valid here (compaction). No size limit.
     * Allocates nothing when the batch is valid.
     *
     * @param remainingBytes bytes available from the batch's offset (capped at the buffer's limit).
     * @return {@link ErrorCode#NONE} or the first rule broken; the reason is in {@link #errorMessage()}.
     */
    public int validateStored(final int remainingBytes) {
        int code = validateHeaderOnly(remainingBytes);
        if (code != ErrorCode.NONE) {
            return code;
        }
        code = checkCrc();
        if (code != ErrorCode.NONE) {
            return code;
        }
        if (lastOffsetDelta() < 0 || recordCount() < 0) {
            return fail(ErrorCode.INVALID_RECORD, "batch at offset " + baseOffset() + " has lastOffsetDelta "
                + lastOffsetDelta() + " and recordsCount " + recordCount());
        }
        return ErrorCode.NONE;
    }

    /**
     * Checks only the framing, for fast scans of trusted bytes: {@link ErrorCode#CORRUPT_MESSAGE} if fewer than
     * {@link RecordBatchFormat#RECORD_BATCH_OVERHEAD} bytes remain, {@code batchLength} is too small or the batch
     * runs past the bytes remaining; {@link ErrorCode#UNSUPPORTED_FOR_MESSAGE_FORMAT} if magic is not 2.
     * No CRC.
     *
     * @param remainingBytes bytes available from the batch's offset (capped at the buffer's limit).
     * @return {@link ErrorCode#NONE} or the first rule broken; the reason is in {@link #errorMessage()}.
     */
    public int validateHeaderOnly(final int remainingBytes) {
        errorMessage = null;
        final int remaining = Math.max(0, Math.min(remainingBytes, buffer.limit() - offset));
        if (remaining < RECORD_BATCH_OVERHEAD) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "only " + remaining + " bytes at position " + offset
                + "; a record batch needs at least " + RECORD_BATCH_OVERHEAD);
        }
        final int batchLength = batchLength();
        if (batchLength < MIN_BATCH_LENGTH) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "Record batch is corrupt (the size " + ((long) batchLength
                + LOG_OVERHEAD) + " is smaller than the minimum allowed overhead " + RECORD_BATCH_OVERHEAD + ")");
        }
        final long size = (long) batchLength + LOG_OVERHEAD;
        if (size > remaining) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "batch at position " + offset + " declares " + size
                + " bytes but only " + remaining + " remain (truncated)");
        }
        if (magic() != MAGIC_VALUE_V2) {
            return fail(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, "magic " + magic() + " at position " + offset
                + " is not supported; Keel reads only magic " + MAGIC_VALUE_V2 + " record batches");
        }
        return ErrorCode.NONE;
    }

    /**
     * Why the last {@code validate} call did not return {@link ErrorCode#NONE}.
     *
     * @return the reason, or null if it succeeded.
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * Size of the batch starting at {@code offset} in a stream of concatenated batches, if it is all there.
     * Reads only {@code batchLength}; use it to step from batch to batch, then validate each.
     *
     * @param buffer big-endian buffer; read with absolute indexing up to its limit.
     * @param offset index of the batch.
     * @return the batch size (at least {@link RecordBatchFormat#RECORD_BATCH_OVERHEAD}),
     *     {@link #BATCH_INCOMPLETE} if the size field or the batch is not complete before the limit, or
     *     {@link #BATCH_LENGTH_INVALID} if {@code batchLength} is below {@link RecordBatchFormat#MIN_BATCH_LENGTH}.
     */
    public static int nextBatchSize(final ByteBuffer buffer, final int offset) {
        final long remaining = (long) buffer.limit() - offset;
        if (offset < 0 || remaining < LOG_OVERHEAD) {
            return BATCH_INCOMPLETE;
        }
        final int batchLength = buffer.getInt(offset + BATCH_LENGTH_OFFSET);
        if (batchLength < MIN_BATCH_LENGTH) {
            return BATCH_LENGTH_INVALID;
        }
        final long size = (long) batchLength + LOG_OVERHEAD;
        if (size > remaining) {
            return BATCH_INCOMPLETE;
        }
        return (int) size;
    }

    private int checkCrc() {
        final long stored = crc();
        final long computed = crcOf(offset + ATTRIBUTES_OFFSET, offset + sizeInBytes());
        if (stored != computed) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "Record is corrupt (stored crc = " + stored
                + ", computed crc = " + computed + ") in batch at offset " + baseOffset());
        }
        return ErrorCode.NONE;
    }

    private long crcOf(final int start, final int end) {
        crc.reset();
        if (buffer.hasArray()) {
            crc.update(buffer.array(), buffer.arrayOffset() + start, end - start);
        } else {
            if (buffer != crcSource) {
                crcSource = buffer;
                crcView = buffer.duplicate();
            }
            crcView.clear();
            crcView.position(start).limit(end);
            crc.update(crcView);
        }
        return crc.getValue();
    }

    private int fail(final int code, final String message) {
        errorMessage = message;
        return code;
    }
}
