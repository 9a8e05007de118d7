package keel.log;

/**
 * Layout of a Kafka v2 record batch (magic 2), byte for byte as Kafka writes it on disk and on the wire
 * (Kafka documentation, "Message format"). Every offset, length, mask and sentinel of the format lives here;
 * no other class writes a numeric offset literal. Stateless; thread-safe.
 *
 * <h2>Batch header (big-endian, offsets relative to the start of the batch)</h2>
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      baseOffset (int64) @0                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   batchLength (int32) @8: bytes after this field              |
 *  +---------------------------------------------------------------+   LOG_OVERHEAD = 12
 *  |   partitionLeaderEpoch (int32) @12                            |
 *  +---------------+-----------------------------------------------+
 *  | magic (int8)  |   crc (uint32, CRC-32C) @17 over @21..end     |
 *  |   @16 = 2     |                                               |
 *  +---------------+---------------+-------------------------------+
 *  |               | attributes (int16) @21        |               |
 *  +---------------+-------------------------------+---------------+
 *  |   lastOffsetDelta (int32) @23                                 |
 *  +---------------------------------------------------------------+
 *  |   baseTimestamp (int64) @27                                   |
 *  +---------------------------------------------------------------+
 *  |   maxTimestamp (int64) @35                                    |
 *  +---------------------------------------------------------------+
 *  |   producerId (int64) @43                                      |
 *  +-------------------------------+-------------------------------+
 *  | producerEpoch (int16) @51     | baseSequence (int32) @53      |
 *  +-------------------------------+-------------------------------+
 *  |   recordsCount (int32) @57                                    |
 *  +---------------------------------------------------------------+   RECORD_BATCH_OVERHEAD = 61
 *  |   records @61 (compressed as one stream when bits 0-2 != 0)   |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <h2>Attributes (int16, only the low byte is used)</h2>
 * <pre>
 *  bit 0-2  compression: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd
 *  bit 3    timestamp type: 0 CreateTime, 1 LogAppendTime
 *  bit 4    transactional
 *  bit 5    control batch
 *  bit 6    hasDeleteHorizonMs (KIP-534: baseTimestamp holds the delete horizon)
 * </pre>
 *
 * <h2>Record (inside the records area, after decompression)</h2>
 * <pre>
 *  length          varint (zigzag)   bytes of the record after this field
 *  attributes      int8              unused, 0
 *  timestampDelta  varlong           record timestamp - baseTimestamp
 *  offsetDelta     varint            record offset - baseOffset
 *  keyLength       varint            -1 for a null key
 *  key             bytes
 *  valueLength     varint            -1 for a null value
 *  value           bytes
 *  headersCount    varint
 *  headers         [keyLength varint (never null), key UTF-8, valueLength varint (-1 null), value]
 * </pre>
 * The broker writes only {@code baseOffset} and {@code partitionLeaderEpoch} (both outside the CRC) and, for
 * LogAppendTime topics, the timestamp-type bit and {@code maxTimestamp} (then it recomputes the CRC).
 */
public final class RecordBatchFormat {
    /** Offset of {@code baseOffset} (int64). */
    public static final int BASE_OFFSET_OFFSET = 0;
    /** Length of {@code baseOffset}. */
    public static final int BASE_OFFSET_LENGTH = 8;
    /** Offset of {@code batchLength} (int32): the bytes of the batch after this field. */
    public static final int BATCH_LENGTH_OFFSET = BASE_OFFSET_OFFSET + BASE_OFFSET_LENGTH;
    /** Length of {@code batchLength}. */
    public static final int BATCH_LENGTH_LENGTH = 4;
    /** Bytes before the part {@code batchLength} counts: a batch is {@code batchLength + LOG_OVERHEAD} bytes. */
    public static final int LOG_OVERHEAD = BATCH_LENGTH_OFFSET + BATCH_LENGTH_LENGTH;
    /** Offset of {@code partitionLeaderEpoch} (int32), outside the CRC. */
    public static final int PARTITION_LEADER_EPOCH_OFFSET = LOG_OVERHEAD;
    /** Length of {@code partitionLeaderEpoch}. */
    public static final int PARTITION_LEADER_EPOCH_LENGTH = 4;
    /** Offset of {@code magic} (int8). */
    public static final int MAGIC_OFFSET = PARTITION_LEADER_EPOCH_OFFSET + PARTITION_LEADER_EPOCH_LENGTH;
    /** Length of {@code magic}. */
    public static final int MAGIC_LENGTH = 1;
    /** Offset of {@code crc} (uint32, CRC-32C over {@link #ATTRIBUTES_OFFSET} to the end of the batch). */
    public static final int CRC_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    /** Length of {@code crc}. */
    public static final int CRC_LENGTH = 4;
    /** Offset of {@code attributes} (int16); the CRC covers the batch from here to its end. */
    public static final int ATTRIBUTES_OFFSET = CRC_OFFSET + CRC_LENGTH;
    /** Length of {@code attributes}. */
    public static final int ATTRIBUTES_LENGTH = 2;
    /** Offset of {@code lastOffsetDelta} (int32). */
    public static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + ATTRIBUTES_LENGTH;
    /** Length of {@code lastOffsetDelta}. */
    public static final int LAST_OFFSET_DELTA_LENGTH = 4;
    /** Offset of {@code baseTimestamp} (int64), Kafka's {@code firstTimestamp}. */
    public static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + LAST_OFFSET_DELTA_LENGTH;
    /** Length of {@code baseTimestamp}. */
    public static final int BASE_TIMESTAMP_LENGTH = 8;
    /** Offset of {@code maxTimestamp} (int64). */
    public static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + BASE_TIMESTAMP_LENGTH;
    /** Length of {@code maxTimestamp}. */
    public static final int MAX_TIMESTAMP_LENGTH = 8;
    /** Offset of {@code producerId} (int64). */
    public static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + MAX_TIMESTAMP_LENGTH;
    /** Length of {@code producerId}. */
    public static final int PRODUCER_ID_LENGTH = 8;
    /** Offset of {@code producerEpoch} (int16). */
    public static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + PRODUCER_ID_LENGTH;
    /** Length of {@code producerEpoch}. */
    public static final int PRODUCER_EPOCH_LENGTH = 2;
    /** Offset of {@code baseSequence} (int32). */
    public static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + PRODUCER_EPOCH_LENGTH;
    /** Length of {@code baseSequence}. */
    public static final int BASE_SEQUENCE_LENGTH = 4;
    /** Offset of {@code recordsCount} (int32). */
    public static final int RECORDS_COUNT_OFFSET = BASE_SEQUENCE_OFFSET + BASE_SEQUENCE_LENGTH;
    /** Length of {@code recordsCount}. */
    public static final int RECORDS_COUNT_LENGTH = 4;
    /** Offset of the records area. */
    public static final int RECORDS_OFFSET = RECORDS_COUNT_OFFSET + RECORDS_COUNT_LENGTH;
    /** Size of the batch header: the smallest possible batch (no records). */
    public static final int RECORD_BATCH_OVERHEAD = RECORDS_OFFSET;
    /** Smallest valid {@code batchLength}: {@code RECORD_BATCH_OVERHEAD - LOG_OVERHEAD}. */
    public static final int MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;

    /** The only magic value Keel reads and writes. */
    public static final byte MAGIC_VALUE_V2 = 2;

    /** Attributes bits 0-2: compression codec id (see {@link Compression#id()}). */
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    /** Attributes bit 3: 1 = LogAppendTime, 0 = CreateTime. */
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    /** Attributes bit 4: the batch belongs to a transaction. */
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    /** Attributes bit 5: the batch holds control records (transaction markers). */
    public static final int CONTROL_FLAG_MASK = 0x20;
    /** Attributes bit 6: {@code baseTimestamp} holds the delete horizon set by the log cleaner (KIP-534). */
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    /** Timestamp type of a batch whose record timestamps are the producer's. */
    public static final int TIMESTAMP_TYPE_CREATE_TIME = 0;
    /** Timestamp type of a batch whose records all carry the broker's append time ({@code maxTimestamp}). */
    public static final int TIMESTAMP_TYPE_LOG_APPEND_TIME = 1;

    /** {@code producerId} of a batch without an idempotent producer. */
    public static final long NO_PRODUCER_ID = -1L;
    /** {@code producerEpoch} of a batch without an idempotent producer. */
    public static final short NO_PRODUCER_EPOCH = -1;
    /** {@code baseSequence} of a batch without an idempotent producer. */
    public static final int NO_SEQUENCE = -1;
    /** {@code partitionLeaderEpoch} before the broker assigns one. */
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    /** A missing timestamp. */
    public static final long NO_TIMESTAMP = -1L;

    /** Length of a record's {@code attributes} field. */
    public static final int RECORD_ATTRIBUTES_LENGTH = 1;
    /** Length (as a varint value) that stands for a null key, value or header value. */
    public static final int NULL_LENGTH = -1;
    /** Most bytes a varint (int32, zigzag) may take. */
    public static final int MAX_VARINT_BYTES = 5;
    /** Most bytes a varlong (int64, zigzag) may take. */
    public static final int MAX_VARLONG_BYTES = 10;

    private RecordBatchFormat() {
    }

    /**
     * Adds to a producer sequence number with Kafka's wrap-around: sequences run from 0 to
     * {@link Integer#MAX_VALUE} and then start again at 0 ({@code DefaultRecordBatch.incrementSequence}).
     *
     * @param sequence  a sequence number, 0 or more.
     * @param increment how far to move, 0 or more.
     * @return the sequence {@code increment} steps after {@code sequence}.
     */
    public static int incrementSequence(final int sequence, final int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    /**
     * Subtracts from a producer sequence number with Kafka's wrap-around (inverse of
     * {@link #incrementSequence(int, int)}).
     *
     * @param sequence  a sequence number, 0 or more.
     * @param decrement how far to move back, 0 or more.
     * @return the sequence {@code decrement} steps before {@code sequence}.
     */
    public static int decrementSequence(final int sequence, final int decrement) {
        if (sequence < decrement) {
            return Integer.MAX_VALUE - (decrement - sequence) + 1;
        }
        return sequence - decrement;
    }
}
