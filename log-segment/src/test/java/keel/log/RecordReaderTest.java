package keel.log;

import static keel.log.RecordBatchTestSupport.TIMESTAMP;
import static keel.log.RecordBatchTestSupport.assertSameRecordsAsKafka;
import static keel.log.RecordBatchTestSupport.bytes;
import static keel.log.RecordBatchTestSupport.fixCrc;
import static keel.log.RecordBatchTestSupport.kafkaBatch;
import static keel.log.RecordBatchTestSupport.typicalSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordReaderTest {
    /** Index of the single record's length varint in {@link #singleRecordBatch()}. */
    private static final int LENGTH_INDEX = RecordBatchFormat.RECORDS_OFFSET;
    private static final int KEY_LENGTH_INDEX = LENGTH_INDEX + 4;
    private static final int VALUE_LENGTH_INDEX = KEY_LENGTH_INDEX + 4;
    private static final int HEADER_COUNT_INDEX = VALUE_LENGTH_INDEX + 6;

    private final RecordReader reader = new RecordReader();
    private final RecordBatchView view = new RecordBatchView();

    @AfterEach
    void closeReader() {
        reader.close();
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldReadSameRecordsAsKafkaWhenKafkaBuiltTheBatch(final Compression compression) {
        assertSameRecordsAsKafka(typicalSpec(compression).baseOffset(1000).build(), compression.codecName());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldReadSequencesOfIdempotentTransactionalBatchAsKafkaDoes(final Compression compression) {
        assertSameRecordsAsKafka(typicalSpec(compression).producer(77, (short) 2, Integer.MAX_VALUE - 2)
            .transactional(true).build(), compression.codecName());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldGiveEveryRecordTheAppendTimeWhenBatchIsLogAppendTime(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).logAppendTime(TIMESTAMP + 999).build();

        assertSameRecordsAsKafka(buffer, compression.codecName());
        reader.open(view.wrap(buffer, 0));
        while (reader.next()) {
            assertEquals(TIMESTAMP + 999, reader.record().timestamp());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldReadBatchInDirectBuffer(final Compression compression) {
        final ByteBuffer heap = typicalSpec(compression).build();
        final ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining() + 8);
        direct.put(8, heap, 0, heap.remaining());

        reader.open(view.wrap(direct, 8));

        assertTrue(reader.next());
        assertArrayEquals(bytes("key-0"), reader.record().keyBytes());
        final byte[] copy = new byte[10];
        assertEquals(7, reader.record().copyValue(copy, 2));
        assertEquals("value-0", new String(copy, 2, 7, java.nio.charset.StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"SNAPPY", "ZSTD"})
    void shouldReportUnsupportedCompressionWhenCodecHasNoDecoder(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).baseOffset(42).build();
        final String message = "Cannot decompress batch at offset 42: compression " + compression.codecName()
            + " is not supported by the Keel reader (supported: none, gzip, lz4)";
        view.wrap(buffer, 0);

        assertEquals(ErrorCode.NONE, view.validate(buffer.remaining(), Integer.MAX_VALUE));
        assertEquals(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, reader.tryOpen(view));
        assertEquals(message, reader.errorMessage());
        final RecordReader.UnsupportedCompressionException e =
            assertThrows(RecordReader.UnsupportedCompressionException.class, () -> reader.open(view));
        assertEquals(message, e.getMessage());
        assertEquals(42L, e.baseOffset());
        assertEquals(compression.id(), e.compressionId());
        assertEquals(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, e.errorCode());
    }

    @Test
    void shouldReadNoRecordWhenCompactionEmptiedTheBatch() {
        final ByteBuffer buffer = typicalSpec(Compression.GZIP).build();
        buffer.putInt(RecordBatchFormat.RECORDS_COUNT_OFFSET, 0);

        assertEquals(ErrorCode.NONE, reader.tryOpen(view.wrap(buffer, 0)));
        assertEquals(RecordReader.END_OF_BATCH, reader.tryNext());
        assertFalse(reader.next());
    }

    @Test
    void shouldRefuseToIterateBeforeOpen() {
        final IllegalStateException e = assertThrows(IllegalStateException.class, reader::tryNext);
        assertEquals("no batch is open", e.getMessage());
    }

    @Test
    void shouldReportInvalidRecordWhenLengthVarintIsTooLong() {
        final ByteBuffer buffer = singleRecordBatch();
        for (int i = 0; i < 6; i++) {
            buffer.put(LENGTH_INDEX + i, (byte) 0xFF);
        }

        assertInvalidRecord(buffer, "Invalid record 0 of batch at offset 0: its length varint is too long");
    }

    @Test
    void shouldReportInvalidRecordWhenRecordLengthExceedsBatch() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.put(LENGTH_INDEX, zigzag(40));

        assertInvalidRecord(buffer,
            "Invalid record 0 of batch at offset 0: its length 40 exceeds the 14 bytes left in the batch");
    }

    @Test
    void shouldReportInvalidRecordWhenRecordLengthIsNegative() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.put(LENGTH_INDEX, zigzag(-3));

        assertInvalidRecord(buffer, "Invalid record 0 of batch at offset 0: its length -3 is negative");
    }

    @Test
    void shouldReportInvalidRecordWhenKeyLengthRunsPastRecordEnd() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.put(KEY_LENGTH_INDEX, zigzag(20));

        assertInvalidRecord(buffer,
            "Invalid record 0 of batch at offset 0: its key length 20 exceeds the 10 bytes left in the record");
    }

    @Test
    void shouldReportInvalidRecordWhenKeyLengthIsBelowMinusOne() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.put(KEY_LENGTH_INDEX, zigzag(-2));

        assertInvalidRecord(buffer, "Invalid record 0 of batch at offset 0: its key length -2 is negative");
    }

    @Test
    void shouldReportInvalidRecordWhenHeaderCountIsNegative() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.put(HEADER_COUNT_INDEX, zigzag(-1));

        assertInvalidRecord(buffer, "Invalid record 0 of batch at offset 0: header count -1 is negative or exceeds"
            + " the 0 bytes left in the record");
    }

    @Test
    void shouldReportInvalidRecordWhenFieldsEndBeforeDeclaredLength() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.put(VALUE_LENGTH_INDEX, zigzag(4));
        buffer.put(HEADER_COUNT_INDEX - 1, zigzag(0));

        assertInvalidRecord(buffer,
            "Invalid record 0 of batch at offset 0: its fields end 1 bytes before its declared length 14");
    }

    @Test
    void shouldReportInvalidRecordWhenTimestampVarlongIsTooLong() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE)
            .append(TIMESTAMP, bytes("k"), bytes("0123456789")).build();
        for (int i = 0; i < 11; i++) {
            buffer.put(LENGTH_INDEX + 2 + i, (byte) 0x81);
        }
        fixCrc(buffer, 0);

        assertInvalidRecord(buffer, "Invalid record 0 of batch at offset 0: its attributes, timestamp delta or "
            + "offset delta are too long (record length 17)");
    }

    @Test
    void shouldReportInvalidRecordWhenBatchHasFewerRecordsThanDeclared() {
        final ByteBuffer buffer = singleRecordBatch();
        buffer.putInt(RecordBatchFormat.RECORDS_COUNT_OFFSET, 2);
        buffer.putInt(RecordBatchFormat.LAST_OFFSET_DELTA_OFFSET, 1);
        fixCrc(buffer, 0);
        assertEquals(ErrorCode.NONE, view.wrap(buffer, 0).validate(buffer.remaining(), Integer.MAX_VALUE));
        reader.open(view);

        assertTrue(reader.next());
        final CorruptRecordException e = assertThrows(CorruptRecordException.class, reader::next);
        assertEquals("Invalid record 1 of batch at offset 0: the batch declares 2 records but its data ends after 1",
            e.getMessage());
        assertEquals(ErrorCode.INVALID_RECORD, e.errorCode());
        assertEquals(1, e.recordIndex());
        assertEquals(0L, e.baseOffset());
    }

    @Test
    void shouldReportInvalidRecordWhenBytesRemainAfterDeclaredRecords() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE).baseOffset(7)
            .append(TIMESTAMP, bytes("a"), bytes("b")).append(TIMESTAMP, bytes("c"), bytes("d")).build();
        buffer.putInt(RecordBatchFormat.RECORDS_COUNT_OFFSET, 1);
        reader.open(view.wrap(buffer, 0));

        assertEquals(ErrorCode.NONE, reader.tryNext());
        assertEquals(ErrorCode.INVALID_RECORD, reader.tryNext());
        assertEquals("Invalid record 1 of batch at offset 7: the batch declares 1 records but 9 bytes remain after"
            + " them", reader.errorMessage());
        assertEquals(ErrorCode.INVALID_RECORD, reader.tryNext(), "a failed reader stays failed");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4"})
    void shouldReportCorruptMessageWhenCompressedPayloadIsGarbage(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).build();
        buffer.put(RecordBatchFormat.RECORDS_OFFSET, (byte) 0);
        buffer.put(RecordBatchFormat.RECORDS_OFFSET + 1, (byte) 0);
        fixCrc(buffer, 0);
        final String reason = compression == Compression.GZIP ? "not in gzip format: magic 0x0 0x0"
            : "not an LZ4 frame: magic 0x184d0000";

        assertEquals(ErrorCode.CORRUPT_MESSAGE, reader.tryOpen(view.wrap(buffer, 0)));
        assertEquals("Cannot decompress batch at offset 0 (" + compression.codecName() + "): " + reason,
            reader.errorMessage());
        final CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> reader.open(view));
        assertEquals(ErrorCode.CORRUPT_MESSAGE, e.errorCode());
        assertEquals(-1, e.recordIndex());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4"})
    void shouldReportCorruptMessageWhenCompressedPayloadIsTruncated(final Compression compression) {
        final ByteBuffer full = typicalSpec(compression).build();
        final ByteBuffer buffer = truncatePayload(full, 6);
        final String reason = compression == Compression.GZIP ? "gzip trailer truncated: 2 of 8 bytes"
            : "LZ4 block of 97 bytes truncated: 95 bytes left";

        assertEquals(ErrorCode.CORRUPT_MESSAGE, reader.tryOpen(view.wrap(buffer, 0)));
        assertEquals("Cannot decompress batch at offset 0 (" + compression.codecName() + "): " + reason,
            reader.errorMessage());
    }

    @Test
    void shouldReportCorruptMessageWhenLz4BlockDataIsGarbage() {
        final byte[] value = new byte[3000];
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.LZ4).append(TIMESTAMP, null, value).build();
        for (int i = RecordBatchFormat.RECORDS_OFFSET + 11; i < buffer.limit() - 4; i++) {
            buffer.put(i, (byte) 0xEE);
        }

        assertEquals(ErrorCode.CORRUPT_MESSAGE, reader.tryOpen(view.wrap(buffer, 0)));
        assertTrue(reader.errorMessage().startsWith("Cannot decompress batch at offset 0 (lz4): invalid LZ4 block"
            + " after 0 decompressed bytes"), reader.errorMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4"})
    void shouldReportMessageTooLargeWhenDecompressedRecordsExceedLimit(final Compression compression) {
        final ByteBuffer buffer = new RecordBatchBuilder(compression).append(TIMESTAMP, null, new byte[5000])
            .build();

        try (RecordReader small = new RecordReader(1000)) {
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, small.tryOpen(view.wrap(buffer, 0)));
            assertEquals("Cannot decompress batch at offset 0 (" + compression.codecName()
                + "): decompressed records exceed the reader's limit of 1000 bytes", small.errorMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldAllocateNothingInSteadyStateWhenIteratingBatches(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).build();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long checksum = iterateTimes(buffer, 20_000);
        final long before = threads.getThreadAllocatedBytes(thread);
        checksum += iterateTimes(buffer, 10_000);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(checksum != 0);
        // Less than a byte per batch: what remains is JIT and MXBean noise, not per-call garbage.
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 10k " + compression + " iterations");
    }

    @Test
    void shouldReuseDecompressionBufferAcrossBatches() {
        final ByteBuffer first = typicalSpec(Compression.GZIP).build();
        final ByteBuffer second = typicalSpec(Compression.LZ4).baseOffset(5).build();

        reader.open(view.wrap(first, 0));
        assertTrue(reader.next());
        final ByteBuffer decompressed = reader.record().buffer();
        reader.open(view.wrap(second, 0));
        assertTrue(reader.next());

        assertTrue(decompressed == reader.record().buffer());
        assertEquals(5L, reader.record().offset());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldValidateRecordsAndReportTimestampRangeWhenKafkaBuiltTheBatch(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).baseOffset(100).build();

        assertEquals(ErrorCode.NONE, reader.tryValidateRecords(view.wrap(buffer, 0)), reader.errorMessage());
        assertEquals(TIMESTAMP + 5, reader.validatedMaxTimestamp());
        assertEquals(101L, reader.validatedOffsetOfMaxTimestamp());
        assertEquals(TIMESTAMP - 3, reader.validatedMinTimestamp());
    }

    @Test
    void shouldReportInvalidRecordWhenOffsetDeltasAreNotIncreasing() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE)
            .append(TIMESTAMP, bytes("a"), bytes("b")).append(TIMESTAMP, bytes("c"), bytes("d")).build();
        final int secondRecord = RecordBatchFormat.RECORDS_OFFSET + 9;
        assertEquals(zigzag(1), buffer.get(secondRecord + 3));
        buffer.put(secondRecord + 3, zigzag(0));
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, reader.tryValidateRecords(view.wrap(buffer, 0)));
        assertEquals("Invalid record 1 of batch at offset 0: offset delta 0 is not above the previous 0 and within"
            + " the batch's last offset delta 1", reader.errorMessage());
    }

    @Test
    void shouldReportInvalidRecordWhenOffsetDeltaExceedsLastOffsetDelta() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE).append(TIMESTAMP, null, bytes("b"))
            .build();
        buffer.put(RecordBatchFormat.RECORDS_OFFSET + 3, zigzag(1));
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, reader.tryValidateRecords(view.wrap(buffer, 0)));
        assertEquals("Invalid record 0 of batch at offset 0: offset delta 1 is not above the previous -1 and within"
            + " the batch's last offset delta 0", reader.errorMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldFindOffsetByTimestampAsKafkaDoes(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).baseOffset(50).build();
        view.wrap(buffer, 0);

        for (long target : new long[] {0L, TIMESTAMP - 3, TIMESTAMP - 2, TIMESTAMP, TIMESTAMP + 1, TIMESTAMP + 5,
            TIMESTAMP + 6}) {
            assertEquals(kafkaOffsetByTimestamp(buffer, target), reader.findOffsetByTimestamp(view, target),
                "target " + target);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldFindFirstRecordOfLogAppendTimeBatchForAnyTargetUpToAppendTime(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).baseOffset(50).logAppendTime(TIMESTAMP + 100).build();
        view.wrap(buffer, 0);

        assertEquals(50L, reader.findOffsetByTimestamp(view, TIMESTAMP + 100));
        assertEquals(-1L, reader.findOffsetByTimestamp(view, TIMESTAMP + 101));
        assertEquals(50L, reader.offsetOfMaxTimestamp(view));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldFindOffsetOfMaxTimestampAsKafkaDoes(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).baseOffset(50).build();
        final Optional<Long> expected = kafkaBatch(buffer).offsetOfMaxTimestamp(Integer.MAX_VALUE);

        assertEquals(expected.orElse(-1L), reader.offsetOfMaxTimestamp(view.wrap(buffer, 0)));
        assertEquals(51L, reader.offsetOfMaxTimestamp(view));
    }

    @Test
    void shouldNotDecompressWhenBatchMaxTimestampIsBelowTarget() {
        final ByteBuffer buffer = typicalSpec(Compression.SNAPPY).build();

        assertEquals(-1L, reader.findOffsetByTimestamp(view.wrap(buffer, 0), TIMESTAMP + 6));
        assertThrows(RecordReader.UnsupportedCompressionException.class,
            () -> reader.findOffsetByTimestamp(view, TIMESTAMP));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void shouldExposeKeyValueAndHeaderPositionsWithoutCopying(final int index) {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        reader.open(view.wrap(buffer, 0));
        for (int i = 0; i <= index; i++) {
            assertTrue(reader.next());
        }
        final RecordView record = reader.record();
        final Record expected = kafkaRecord(buffer, index);

        assertTrue(record.buffer() == buffer);
        assertEquals(expected.keySize(), record.keyLength());
        assertEquals(expected.valueSize(), record.valueLength());
        if (expected.hasKey()) {
            assertEquals(expected.key().get(0), buffer.get(record.keyOffset()));
        }
        for (int h = 0; h < record.headerCount(); h++) {
            final byte[] value = expected.headers()[h].value();
            assertEquals(value == null ? -1 : value.length, record.headerValueLength(h));
            assertEquals(expected.headers()[h].key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                record.headerKeyLength(h));
            assertEquals(expected.headers()[h].key().getBytes(java.nio.charset.StandardCharsets.UTF_8)[0],
                buffer.get(record.headerKeyOffset(h)));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> record.headerKey(record.headerCount()));
    }

    @Test
    void shouldReturnNullForNullKeyAndValue() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE).append(TIMESTAMP, (byte[]) null, null)
            .build();
        reader.open(view.wrap(buffer, 0));
        assertTrue(reader.next());
        final RecordView record = reader.record();

        assertFalse(record.hasKey());
        assertFalse(record.hasValue());
        assertNull(record.keyBytes());
        assertNull(record.value());
        assertEquals(-1, record.copyKey(new byte[0], 0));
        assertEquals(0, record.headerCount());
    }

    private long iterateTimes(final ByteBuffer buffer, final int times) {
        long checksum = 0;
        for (int i = 0; i < times; i++) {
            reader.open(view.wrap(buffer, 0));
            while (reader.next()) {
                final RecordView record = reader.record();
                checksum += record.offset() + record.timestamp() + record.keyLength() + record.valueLength()
                    + record.headerCount();
            }
        }
        return checksum;
    }

    private void assertInvalidRecord(final ByteBuffer buffer, final String message) {
        fixCrc(buffer, 0);
        assertEquals(ErrorCode.NONE, view.wrap(buffer, 0).validate(buffer.remaining(), Integer.MAX_VALUE));
        assertEquals(ErrorCode.NONE, reader.tryOpen(view));
        assertEquals(ErrorCode.INVALID_RECORD, reader.tryNext());
        assertEquals(message, reader.errorMessage());
        reader.open(view);
        final CorruptRecordException e = assertThrows(CorruptRecordException.class, reader::next);
        assertEquals(message, e.getMessage());
        assertEquals(ErrorCode.INVALID_RECORD, e.errorCode());
        assertEquals(0, e.recordIndex());
        assertEquals(ErrorCode.INVALID_RECORD, reader.tryValidateRecords(view));
    }

    /** One record, key "key", value "value", no headers: 15 record bytes, body length 14. */
    private static ByteBuffer singleRecordBatch() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE)
            .append(TIMESTAMP, bytes("key"), bytes("value")).build();
        assertEquals(RecordBatchFormat.RECORD_BATCH_OVERHEAD + 15, buffer.remaining());
        assertEquals(zigzag(14), buffer.get(LENGTH_INDEX));
        assertEquals(zigzag(3), buffer.get(KEY_LENGTH_INDEX));
        assertEquals(zigzag(5), buffer.get(VALUE_LENGTH_INDEX));
        assertEquals(zigzag(0), buffer.get(HEADER_COUNT_INDEX));
        return buffer;
    }

    private static ByteBuffer truncatePayload(final ByteBuffer batch, final int cut) {
        final ByteBuffer shorter = ByteBuffer.allocate(batch.remaining() - cut);
        shorter.put(0, batch, 0, shorter.capacity());
        shorter.putInt(RecordBatchFormat.BATCH_LENGTH_OFFSET, shorter.capacity() - RecordBatchFormat.LOG_OVERHEAD);
        fixCrc(shorter, 0);
        return shorter;
    }

    private static byte zigzag(final int value) {
        final int raw = (value << 1) ^ (value >> 31);
        if (raw > 0x7F) {
            throw new IllegalArgumentException("not a one-byte varint: " + value);
        }
        return (byte) raw;
    }

    private static long kafkaOffsetByTimestamp(final ByteBuffer buffer, final long target) {
        final RecordBatch batch = kafkaBatch(buffer);
        if (batch.maxTimestamp() < target) {
            return -1L;
        }
        for (Record record : batch) {
            if (record.timestamp() >= target) {
                return record.offset();
            }
        }
        return -1L;
    }

    private static Record kafkaRecord(final ByteBuffer buffer, final int index) {
        int i = 0;
        for (Record record : kafkaBatch(buffer)) {
            if (i++ == index) {
                return record;
            }
        }
        throw new AssertionError("no record " + index);
    }

    @Test
    void shouldReadKafkaBatchWithOffsetGapsLeftByCompaction() {
        final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(512),
            RecordBatch.MAGIC_VALUE_V2, RecordBatchTestSupport.kafkaCompression(Compression.LZ4),
            TimestampType.CREATE_TIME, 10L);
        builder.appendWithOffset(10L, TIMESTAMP, bytes("a"), bytes("1"));
        builder.appendWithOffset(12L, TIMESTAMP + 1, bytes("b"), bytes("2"));
        builder.appendWithOffset(15L, TIMESTAMP + 2, bytes("c"), bytes("3"));
        final ByteBuffer buffer = builder.build().buffer();
        view.wrap(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, view.validate(buffer.remaining(), Integer.MAX_VALUE));
        assertEquals(ErrorCode.NONE, view.validateStored(buffer.remaining()));
        assertEquals(ErrorCode.NONE, reader.tryValidateRecords(view), reader.errorMessage());
        assertSameRecordsAsKafka(buffer, "gaps");
    }
}
