package keel.log;

import static keel.log.RecordBatchFormat.LOG_OVERHEAD;
import static keel.log.RecordBatchFormat.MAGIC_VALUE_V2;
import static keel.log.RecordBatchFormat.MIN_BATCH_LENGTH;
import static keel.log.RecordBatchFormat.NO_SEQUENCE;
import static keel.log.RecordBatchFormat.NULL_LENGTH;
import static keel.log.RecordBatchFormat.RECORDS_OFFSET;

import java.nio.ByteBuffer;

import keel.log.internal.CompressedPayloadDecoder;
import keel.log.internal.VarintReader;

/**
 * Iterates the records of one v2 batch at a time, flyweight style: {@link #open} a {@link RecordBatchView}, then
 * call {@link #next()} (or {@link #tryNext()}) and read the current record through {@link #record()}.
 * Uncompressed batches are read in place; gzip and LZ4 batches are first decompressed whole into a buffer the reader
 * owns and reuses (growing up to the limit given at construction), so once that buffer has grown no batch allocates
 * (checked by {@code RecordReaderTest} with the thread allocation counter; a direct buffer holding gzip data costs one
 * duplicate per buffer identity); Snappy and Zstandard are not
 * decoded: {@link #tryOpen} returns {@link ErrorCode#UNSUPPORTED_COMPRESSION_TYPE} and {@link #open} throws
 * {@link UnsupportedCompressionException}. Malformed record data is reported as a result code by the {@code tryX}
 * methods and as a {@link CorruptRecordException} by the others, with a message naming the batch offset, the record
 * and what broke; a reader that failed stays failed until the next open.
 *
 * <p>Record structure is checked as Kafka's {@code DefaultRecord.readFrom} does (each length within the record,
 * the record's fields filling exactly its declared length, a non-negative header count no larger than the bytes
 * left) and the batch as Kafka's record iterator does (exactly {@code recordsCount} records filling the records
 * area). Confined to one thread; {@link #close()} frees the native inflater used for gzip.
 */
public final class RecordReader implements AutoCloseable {
    /** {@link #tryNext()} result after the last record. */
    public static final int END_OF_BATCH = -1;
    /** Default cap on a batch's decompressed records: 64 MiB. */
    public static final int DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

    private static final int FIELD_KEY = 0;
    private static final int FIELD_VALUE = 1;
    private static final int FIELD_HEADER_KEY = 2;
    private static final int FIELD_HEADER_VALUE = 3;

    private final RecordView record = new RecordView();
    private final VarintReader in = new VarintReader();
    private final int maxUncompressedBytes;
    private CompressedPayloadDecoder decoder;

    private boolean open;
    private int failedCode = ErrorCode.NONE;
    private String errorMessage;
    private long baseOffset;
    private long baseTimestamp;
    private long logAppendTime;
    private boolean isLogAppendTime;
    private int baseSequence;
    private int recordCount;
    private int recordsRead;

    private long validatedMaxTimestamp;
    private long validatedOffsetOfMaxTimestamp;
    private long validatedMinTimestamp;

    /** Creates a reader with the default decompression cap, {@link #DEFAULT_MAX_UNCOMPRESSED_BYTES}. */
    public RecordReader() {
        this(DEFAULT_MAX_UNCOMPRESSED_BYTES);
    }

    /**
     * Creates a reader; allocates its decompression buffer only when a compressed batch is opened.
     *
     * @param maxUncompressedBytes largest decompressed records area accepted; a larger one is
     *                             {@link ErrorCode#MESSAGE_TOO_LARGE}.
     */
    public RecordReader(final int maxUncompressedBytes) {
        if (maxUncompressedBytes <= 0) {
            throw new IllegalArgumentException("maxUncompressedBytes must be positive: " + maxUncompressedBytes);
        }
        this.maxUncompressedBytes = maxUncompressedBytes;
    }

    /**
     * Starts reading the records of a batch, decompressing them if needed. The batch's header fields are copied,
     * so the view may be re-wrapped afterwards; its buffer must stay unchanged while records are read.
     *
     * @param batch a view on a batch that passed one of the {@code validate} methods.
     * @return {@link ErrorCode#NONE}; {@link ErrorCode#UNSUPPORTED_COMPRESSION_TYPE} for Snappy, Zstandard and
     *     unknown codecs; {@link ErrorCode#CORRUPT_MESSAGE} if the batch does not fit its buffer, or the
     *     compressed payload does not decode; {@link ErrorCode#UNSUPPORTED_FOR_MESSAGE_FORMAT} if magic is not 2;
     *     {@link ErrorCode#INVALID_RECORD} if {@code recordsCount} is negative; {@link ErrorCode#MESSAGE_TOO_LARGE}
     *     if the decompressed records exceed the limit. The reason is in {@link #errorMessage()}.
     */
    public int tryOpen(final RecordBatchView batch) {
        final ByteBuffer buffer = batch.buffer();
        if (buffer == null) {
            throw new IllegalStateException("the batch view wraps no buffer");
        }
        open = false;
        failedCode = ErrorCode.NONE;
        errorMessage = null;
        recordsRead = 0;
        final int start = batch.offset();
        final long remaining = (long) buffer.limit() - start;
        if (remaining < RECORDS_OFFSET || batch.batchLength() < MIN_BATCH_LENGTH
            || (long) batch.batchLength() + LOG_OVERHEAD > remaining) {
            return failOpen(ErrorCode.CORRUPT_MESSAGE, "Cannot read batch at position " + start
                + ": it does not fit in the " + remaining + " bytes before the buffer limit");
        }
        baseOffset = batch.baseOffset();
        if (batch.magic() != MAGIC_VALUE_V2) {
            return failOpen(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, "Cannot read batch at offset " + baseOffset
                + ": magic " + batch.magic() + " is not supported");
        }
        recordCount = batch.recordCount();
        if (recordCount < 0) {
            return failOpen(ErrorCode.INVALID_RECORD, "Cannot read batch at offset " + baseOffset
                + ": invalid record count " + recordCount);
        }
        baseTimestamp = batch.baseTimestamp();
        isLogAppendTime = batch.isLogAppendTime();
        logAppendTime = batch.maxTimestamp();
        baseSequence = batch.baseSequence();
        final int recordsStart = start + RECORDS_OFFSET;
        final int recordsEnd = start + batch.sizeInBytes();
        final int compressionId = batch.compressionId();
        if (compressionId == Compression.NONE.id() || recordCount == 0) {
            // Kafka does not decompress a batch whose records were all compacted away; neither do we.
            in.wrap(buffer, recordsStart, recordCount == 0 ? recordsStart : recordsEnd);
            record.buffer = buffer;
        } else {
            final Compression compression = compressionId <= Compression.ZSTD.id() ? Compression.forId(compressionId)
                : null;
            if (compression == null || !compression.isSupported()) {
                return failOpen(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, "Cannot decompress batch at offset "
                    + baseOffset + ": compression " + (compression == null ? "id " + compressionId : compression)
                    + " is not supported by the Keel reader (supported: " + Compression.SUPPORTED_NAMES + ")");
            }
            if (decoder == null) {
                decoder = new CompressedPayloadDecoder(maxUncompressedBytes);
            }
            final int code = decoder.decode(compression, buffer, recordsStart, recordsEnd - recordsStart);
            if (code != ErrorCode.NONE) {
                return failOpen(code, "Cannot decompress batch at offset " + baseOffset + " (" + compression
                    + "): " + decoder.errorMessage());
            }
            in.wrap(decoder.output(), 0, decoder.outputLength());
            record.buffer = decoder.output();
        }
        open = true;
        return ErrorCode.NONE;
    }

    /**
     * Starts reading the records of a batch; see {@link #tryOpen}.
     *
     * @param batch a view on a batch that passed one of the {@code validate} methods.
     * @throws UnsupportedCompressionException for Snappy, Zstandard and unknown codecs.
     * @throws CorruptRecordException for every other failure of {@link #tryOpen}.
     */
    public void open(final RecordBatchView batch) {
        final int code = tryOpen(batch);
        if (code == ErrorCode.UNSUPPORTED_COMPRESSION_TYPE) {
            throw new UnsupportedCompressionException(baseOffset, batch.compressionId(), errorMessage);
        }
        if (code != ErrorCode.NONE) {
            throw new CorruptRecordException(code, baseOffset, -1, errorMessage);
        }
    }

    /**
     * Moves to the next record.
     *
     * @return {@link ErrorCode#NONE} when {@link #record()} holds the next record, {@link #END_OF_BATCH} after the
     *     last one, or {@link ErrorCode#INVALID_RECORD} if the record data is malformed (the reason is in
     *     {@link #errorMessage()}; every later call returns the same code).
     * @throws IllegalStateException if no batch is open.
     */
    public int tryNext() {
        if (failedCode != ErrorCode.NONE) {
            return failedCode;
        }
        if (!open) {
            throw new IllegalStateException("no batch is open");
        }
        if (recordsRead == recordCount) {
            if (in.remaining() != 0) {
                return failRecord("the batch declares " + recordCount + " records but " + in.remaining()
                    + " bytes remain after them");
            }
            return END_OF_BATCH;
        }
        if (in.remaining() == 0) {
            return failRecord("the batch declares " + recordCount + " records but its data ends after "
                + recordsRead);
        }
        return readRecord();
    }

    /**
     * Moves to the next record.
     *
     * @return true when {@link #record()} holds the next record, false after the last one.
     * @throws CorruptRecordException if the record data is malformed.
     * @throws IllegalStateException  if no batch is open.
     */
    public boolean next() {
        final int code = tryNext();
        if (code == ErrorCode.NONE) {
            return true;
        }
        if (code == END_OF_BATCH) {
            return false;
        }
        throw new CorruptRecordException(code, baseOffset, recordsRead, errorMessage);
    }

    /**
     * The current record; the same object for the reader's whole life.
     *
     * @return the flyweight, valid after {@link #next()} returned true.
     */
    public RecordView record() {
        return record;
    }

    /**
     * Why the last {@code tryX} call failed.
     *
     * @return the reason, or null.
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * Reads every record of a batch, the deep check of Kafka's {@code LogValidator} for an append: record
     * structure as in {@link #tryNext()}, plus offset deltas strictly increasing within
     * {@code [0, lastOffsetDelta]} (so a client batch, whose count equals {@code lastOffsetDelta + 1}, numbers its
     * records 0, 1, 2 ...). Kafka rewrites a compressed batch whose inner offsets are wrong instead of rejecting
     * it; Keel does not rewrite batches, so it rejects them with {@link ErrorCode#INVALID_RECORD}. On success the
     * smallest and largest record timestamps and the offset of the first record with the largest one are
     * available from the {@code validatedX} accessors (Kafka rewrites a CreateTime batch's {@code maxTimestamp}
     * to that largest value; use {@link RecordBatchView#setMaxTimestamp} to do the same).
     *
     * @param batch a view on a batch that passed {@link RecordBatchView#validate}.
     * @return {@link ErrorCode#NONE} or a code of {@link #tryOpen} or {@link #tryNext()}.
     */
    public int tryValidateRecords(final RecordBatchView batch) {
        validatedMaxTimestamp = RecordBatchFormat.NO_TIMESTAMP;
        validatedOffsetOfMaxTimestamp = -1L;
        validatedMinTimestamp = Long.MAX_VALUE;
        int code = tryOpen(batch);
        if (code != ErrorCode.NONE) {
            return code;
        }
        final int lastOffsetDelta = batch.lastOffsetDelta();
        long previousDelta = -1L;
        while ((code = tryNext()) == ErrorCode.NONE) {
            final int delta = record.offsetDelta;
            if (delta <= previousDelta || delta > lastOffsetDelta) {
                return failRecordAt(recordsRead - 1, "offset delta " + delta + " is not above the previous "
                    + previousDelta + " and within the batch's last offset delta " + lastOffsetDelta);
            }
            previousDelta = delta;
            final long timestamp = record.timestamp;
            if (timestamp > validatedMaxTimestamp) {
                validatedMaxTimestamp = timestamp;
                validatedOffsetOfMaxTimestamp = record.offset;
            }
            if (timestamp != RecordBatchFormat.NO_TIMESTAMP && timestamp < validatedMinTimestamp) {
                validatedMinTimestamp = timestamp;
            }
        }
        if (validatedMinTimestamp == Long.MAX_VALUE) {
            validatedMinTimestamp = RecordBatchFormat.NO_TIMESTAMP;
        }
        return code == END_OF_BATCH ? ErrorCode.NONE : code;
    }

    /**
     * Largest record timestamp seen by the last successful {@link #tryValidateRecords}.
     *
     * @return milliseconds, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     */
    public long validatedMaxTimestamp() {
        return validatedMaxTimestamp;
    }

    /**
     * Offset of the first record with {@link #validatedMaxTimestamp()}.
     *
     * @return the offset, or -1 if the batch had no record with a timestamp.
     */
    public long validatedOffsetOfMaxTimestamp() {
        return validatedOffsetOfMaxTimestamp;
    }

    /**
     * Smallest record timestamp other than {@link RecordBatchFormat#NO_TIMESTAMP} seen by the last successful
     * {@link #tryValidateRecords}, for checking timestamps against a topic's allowed range.
     *
     * @return milliseconds, or {@link RecordBatchFormat#NO_TIMESTAMP} if no record had one.
     */
    public long validatedMinTimestamp() {
        return validatedMinTimestamp;
    }

    /**
     * Finds the first record whose timestamp is at least a target, for ListOffsets by time (Kafka's
     * {@code fetchOffsetByTimestamp}: skip the batch if its {@code maxTimestamp} is below the target, otherwise
     * scan its records).
     *
     * @param batch             a validated batch.
     * @param targetTimestampMs the target.
     * @return the record's offset, or -1 if no record qualifies.
     * @throws UnsupportedCompressionException for Snappy and Zstandard batches that could qualify.
     * @throws CorruptRecordException          if the records cannot be read.
     */
    public long findOffsetByTimestamp(final RecordBatchView batch, final long targetTimestampMs) {
        if (batch.maxTimestamp() < targetTimestampMs) {
            return -1L;
        }
        open(batch);
        while (next()) {
            if (record.timestamp >= targetTimestampMs) {
                return record.offset;
            }
        }
        return -1L;
    }

    /**
     * Finds the first record whose timestamp equals the batch's {@code maxTimestamp}, for ListOffsets with
     * MAX_TIMESTAMP (Kafka's {@code RecordBatch.offsetOfMaxTimestamp}). In a LogAppendTime batch that is the first
     * record.
     *
     * @param batch a validated batch.
     * @return the record's offset, or -1 if no record has that timestamp.
     * @throws UnsupportedCompressionException for Snappy and Zstandard batches.
     * @throws CorruptRecordException          if the records cannot be read.
     */
    public long offsetOfMaxTimestamp(final RecordBatchView batch) {
        final long maxTimestamp = batch.maxTimestamp();
        open(batch);
        while (next()) {
            if (record.timestamp == maxTimestamp) {
                return record.offset;
            }
        }
        return -1L;
    }

    @Override
    public void close() {
        open = false;
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }

    private int readRecord() {
        final VarintReader in = this.in;
        final int recordStart = in.position();
        final int bodyLength = in.readVarint();
        if (!in.ok()) {
            return failRecord("its length varint is " + VarintReader.describe(in.status()));
        }
        if (bodyLength < 0) {
            return failRecord("its length " + bodyLength + " is negative");
        }
        if (bodyLength > in.remaining()) {
            return failRecord("its length " + bodyLength + " exceeds the " + in.remaining()
                + " bytes left in the batch");
        }
        final int batchEnd = in.limit();
        final int bodyEnd = in.position() + bodyLength;
        in.limit(bodyEnd);
        final RecordView r = record;
        r.attributes = in.readByte();
        r.timestampDelta = in.readVarlong();
        r.offsetDelta = in.readVarint();
        if (!in.ok()) {
            return failRecord("its attributes, timestamp delta or offset delta are " + VarintReader.describe(
                in.status()) + " (record length " + bodyLength + ")");
        }
        r.keyLength = in.readVarint();
        r.keyOffset = in.position();
        int code = checkLength(in, r.keyLength, FIELD_KEY, 0);
        if (code != ErrorCode.NONE) {
            return code;
        }
        r.valueLength = in.readVarint();
        r.valueOffset = in.position();
        code = checkLength(in, r.valueLength, FIELD_VALUE, 0);
        if (code != ErrorCode.NONE) {
            return code;
        }
        final int headerCount = in.readVarint();
        if (!in.ok()) {
            return failRecord("its header count varint is " + VarintReader.describe(in.status()));
        }
        if (headerCount < 0 || headerCount > in.remaining()) {
            return failRecord("header count " + headerCount + " is negative or exceeds the " + in.remaining()
                + " bytes left in the record");
        }
        r.ensureHeaderCapacity(headerCount);
        for (int i = 0; i < headerCount; i++) {
            final int keyLength = in.readVarint();
            if (in.ok() && keyLength < 0) {
                return failRecord("header " + i + " has a negative key length " + keyLength);
            }
            r.headerKeyLengths[i] = keyLength;
            r.headerKeyOffsets[i] = in.position();
            code = checkLength(in, keyLength, FIELD_HEADER_KEY, i);
            if (code != ErrorCode.NONE) {
                return code;
            }
            final int valueLength = in.readVarint();
            r.headerValueLengths[i] = valueLength;
            r.headerValueOffsets[i] = in.position();
            code = checkLength(in, valueLength, FIELD_HEADER_VALUE, i);
            if (code != ErrorCode.NONE) {
                return code;
            }
        }
        r.headerCount = headerCount;
        if (in.position() != bodyEnd) {
            return failRecord("its fields end " + (bodyEnd - in.position()) + " bytes before its declared length "
                + bodyLength);
        }
        in.limit(batchEnd);
        r.sizeInBytes = bodyEnd - recordStart;
        r.offset = baseOffset + r.offsetDelta;
        r.timestamp = isLogAppendTime ? logAppendTime : baseTimestamp + r.timestampDelta;
        r.sequence = baseSequence >= 0 ? RecordBatchFormat.incrementSequence(baseSequence, r.offsetDelta)
            : NO_SEQUENCE;
        recordsRead++;
        return ErrorCode.NONE;
    }

    /** Checks a length varint just read and skips the bytes it covers; names the field only on failure. */
    private int checkLength(final VarintReader in, final int length, final int field, final int headerIndex) {
        if (in.ok() && length >= NULL_LENGTH && length <= in.remaining()) {
            if (length > 0) {
                in.skip(length);
            }
            return ErrorCode.NONE;
        }
        final String what = fieldName(field, headerIndex);
        if (!in.ok()) {
            return failRecord("its " + what + " varint is " + VarintReader.describe(in.status()));
        }
        if (length < NULL_LENGTH) {
            return failRecord("its " + what + " " + length + " is negative");
        }
        return failRecord("its " + what + " " + length + " exceeds the " + in.remaining()
            + " bytes left in the record");
    }

    private static String fieldName(final int field, final int headerIndex) {
        switch (field) {
            case FIELD_KEY: return "key length";
            case FIELD_VALUE: return "value length";
            case FIELD_HEADER_KEY: return "header " + headerIndex + " key length";
            default: return "header " + headerIndex + " value length";
        }
    }

    private int failOpen(final int code, final String message) {
        errorMessage = message;
        return code;
    }

    private int failRecord(final String reason) {
        return failRecordAt(recordsRead, reason);
    }

    private int failRecordAt(final int index, final String reason) {
        failedCode = ErrorCode.INVALID_RECORD;
        errorMessage = "Invalid record " + index + " of batch at offset " + baseOffset + ": " + reason;
        return failedCode;
    }

    /**
     * Thrown by {@link #open} for a batch whose records the Keel reader cannot decompress (Snappy, Zstandard or an
     * unknown codec). Such batches are still stored and served unchanged; only reading inside them fails.
     * Immutable; thread-safe.
     */
    public static final class UnsupportedCompressionException extends UnsupportedOperationException {
        private static final long serialVersionUID = 1L;

        private final long baseOffset;
        private final int compressionId;

        /**
         * Creates the exception.
         *
         * @param baseOffset    base offset of the batch.
         * @param compressionId its compression id.
         * @param message       the message.
         */
        public UnsupportedCompressionException(final long baseOffset, final int compressionId,
                                               final String message) {
            super(message);
            this.baseOffset = baseOffset;
            this.compressionId = compressionId;
        }

        /**
         * Base offset of the batch.
         *
         * @return the offset.
         */
        public long baseOffset() {
            return baseOffset;
        }

        /**
         * Compression id of the batch (attribute bits 0-2).
         *
         * @return 2 (snappy), 4 (zstd) or 5 to 7.
         */
        public int compressionId() {
            return compressionId;
        }

        /**
         * Result code of the outcome.
         *
         * @return {@link ErrorCode#UNSUPPORTED_COMPRESSION_TYPE}.
         */
        public int errorCode() {
            return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
        }
    }
}
