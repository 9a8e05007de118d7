package keel.log;

import static keel.log.RecordBatchTestSupport.TIMESTAMP;
import static keel.log.RecordBatchTestSupport.fixCrc;
import static keel.log.RecordBatchTestSupport.kafkaBatch;
import static keel.log.RecordBatchTestSupport.typicalSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordBatchViewTest {
    private static final int MAX = 1 << 20;

    private final RecordBatchView view = new RecordBatchView();

    @ParameterizedTest
    @EnumSource(Compression.class)
    void shouldReadEveryHeaderFieldAsKafkaDoesWhenKafkaBuiltTheBatch(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).baseOffset(42).producer(7, (short) 3, 11)
            .transactional(true).partitionLeaderEpoch(9).build();

        assertSameHeaderAsKafka(buffer);
        assertEquals(compression, view.compression());
        assertTrue(view.isTransactional());
        assertEquals(ErrorCode.NONE, view.validate(buffer.remaining(), MAX), view.errorMessage());
        assertNull(view.errorMessage());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void shouldReadLogAppendTimeBatchAsKafkaDoes(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).logAppendTime(TIMESTAMP + 1000).build();

        assertSameHeaderAsKafka(buffer);
        assertTrue(view.isLogAppendTime());
        assertEquals(RecordBatchFormat.TIMESTAMP_TYPE_LOG_APPEND_TIME, view.timestampType());
        assertEquals(TIMESTAMP + 1000, view.maxTimestamp());
    }

    @Test
    void shouldWrapLastSequenceAtIntegerMaxValueAsKafkaDoes() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).producer(1, (short) 0, Integer.MAX_VALUE - 1).build();

        assertSameHeaderAsKafka(buffer);
        assertEquals(2, view.lastSequence());
    }

    @Test
    void shouldReportNoSequenceWhenBatchHasNoProducer() {
        view.wrap(typicalSpec(Compression.NONE).build(), 0);

        assertEquals(RecordBatchFormat.NO_SEQUENCE, view.lastSequence());
        assertFalse(view.hasProducerId());
    }

    @Test
    void shouldRejectControlBatchFromClientButAcceptItStored() {
        final ByteBuffer buffer = MemoryRecords.withEndTransactionMarker(5L, TIMESTAMP, 3, 99L, (short) 1,
            new EndTransactionMarker(ControlRecordType.COMMIT, 4)).buffer();
        view.wrap(buffer, 0);

        assertTrue(view.isControl());
        assertEquals(ErrorCode.INVALID_RECORD, view.validate(buffer.remaining(), MAX));
        assertEquals("Clients are not allowed to write control records", view.errorMessage());
        assertEquals(ErrorCode.NONE, view.validateStored(buffer.remaining()));
    }

    @Test
    void shouldKeepCrcValidWhenSettingBaseOffsetAndLeaderEpoch() {
        final ByteBuffer buffer = typicalSpec(Compression.LZ4).build();
        final long crc = view.wrap(buffer, 0).crc();

        view.setBaseOffset(1_000_000L);
        view.setPartitionLeaderEpoch(17);

        assertEquals(crc, view.crc());
        assertTrue(view.isCrcValid());
        final MutableRecordBatch kafka = kafkaBatch(buffer);
        kafka.ensureValid();
        assertEquals(1_000_000L, kafka.baseOffset());
        assertEquals(17, kafka.partitionLeaderEpoch());
    }

    @Test
    void shouldMoveBaseOffsetWhenSettingLastOffset() {
        view.wrap(typicalSpec(Compression.NONE).build(), 0);

        view.setLastOffset(104L);

        assertEquals(100L, view.baseOffset());
        assertEquals(104L, view.lastOffset());
        assertEquals(105L, view.nextOffset());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldRecomputeCrcWhenSettingLogAppendTime(final Compression compression) {
        final ByteBuffer buffer = typicalSpec(compression).build();
        final long appendTime = TIMESTAMP + 123_456L;

        view.wrap(buffer, 0).setLogAppendTime(appendTime);

        assertTrue(view.isCrcValid());
        final MutableRecordBatch kafka = kafkaBatch(buffer);
        kafka.ensureValid();
        assertEquals(TimestampType.LOG_APPEND_TIME, kafka.timestampType());
        assertEquals(appendTime, kafka.maxTimestamp());
        int count = 0;
        for (Record record : kafka) {
            assertEquals(appendTime, record.timestamp());
            count++;
        }
        assertEquals(5, count);
        assertEquals(ErrorCode.NONE, view.validate(buffer.remaining(), MAX));
    }

    @Test
    void shouldKeepOtherAttributeBitsWhenSettingMaxTimestamp() {
        final ByteBuffer buffer = typicalSpec(Compression.GZIP).producer(1, (short) 0, 0).transactional(true)
            .build();
        view.wrap(buffer, 0).setLogAppendTime(TIMESTAMP);

        view.setMaxTimestamp(RecordBatchFormat.TIMESTAMP_TYPE_CREATE_TIME, TIMESTAMP + 5);

        assertFalse(view.isLogAppendTime());
        assertTrue(view.isTransactional());
        assertEquals(Compression.GZIP, view.compression());
        assertEquals(TIMESTAMP + 5, view.maxTimestamp());
        kafkaBatch(buffer).ensureValid();
    }

    @Test
    void shouldNotTouchBufferWhenMaxTimestampIsUnchanged() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build().asReadOnlyBuffer();

        view.wrap(buffer, 0).setMaxTimestamp(RecordBatchFormat.TIMESTAMP_TYPE_CREATE_TIME, TIMESTAMP + 5);

        assertEquals(TIMESTAMP + 5, view.maxTimestamp());
    }

    @Test
    void shouldReportCorruptMessageWhenPayloadByteIsFlipped() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        final long stored = view.wrap(buffer, 0).crc();
        final int index = RecordBatchFormat.RECORDS_OFFSET + 10;
        buffer.put(index, (byte) (buffer.get(index) ^ 0x01));

        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.validate(buffer.remaining(), MAX));
        assertEquals("Record is corrupt (stored crc = " + stored + ", computed crc = " + view.computeCrc()
            + ") in batch at offset 0", view.errorMessage());
        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.validateStored(buffer.remaining()));
        assertEquals(ErrorCode.NONE, view.validateHeaderOnly(buffer.remaining()));
    }

    @Test
    void shouldReportCorruptMessageWhenBatchIsTruncated() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        final int size = buffer.remaining();

        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.wrap(buffer, 0).validate(size - 1, MAX));
        assertEquals("batch at position 0 declares " + size + " bytes but only " + (size - 1)
            + " remain (truncated)", view.errorMessage());
    }

    @Test
    void shouldReportCorruptMessageWhenBufferLimitCutsTheBatch() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        final int size = buffer.remaining();
        buffer.limit(size - 10);

        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.wrap(buffer, 0).validate(size, MAX));
        assertEquals("batch at position 0 declares " + size + " bytes but only " + (size - 10)
            + " remain (truncated)", view.errorMessage());
    }

    @Test
    void shouldReportCorruptMessageWhenFewerBytesThanHeaderRemain() {
        final ByteBuffer buffer = ByteBuffer.allocate(60);

        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.wrap(buffer, 0).validate(60, MAX));
        assertEquals("only 60 bytes at position 0; a record batch needs at least 61", view.errorMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {48, 0, -1, Integer.MIN_VALUE})
    void shouldReportCorruptMessageWhenBatchLengthIsBelowMinimum(final int batchLength) {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        buffer.putInt(RecordBatchFormat.BATCH_LENGTH_OFFSET, batchLength);

        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("Record batch is corrupt (the size " + (batchLength + 12L)
            + " is smaller than the minimum allowed overhead 61)", view.errorMessage());
    }

    @Test
    void shouldReportCorruptMessageWhenBatchLengthIsHuge() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        buffer.putInt(RecordBatchFormat.BATCH_LENGTH_OFFSET, Integer.MAX_VALUE);

        assertEquals(ErrorCode.CORRUPT_MESSAGE, view.wrap(buffer, 0).validate(Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals("batch at position 0 declares " + (Integer.MAX_VALUE + 12L) + " bytes but only "
            + buffer.remaining() + " remain (truncated)", view.errorMessage());
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 1, 3})
    void shouldReportUnsupportedFormatWhenMagicIsNotTwo(final byte magic) {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        buffer.put(RecordBatchFormat.MAGIC_OFFSET, magic);

        assertEquals(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("magic " + magic + " at position 0 is not supported; Keel reads only magic 2 record batches",
            view.errorMessage());
    }

    @Test
    void shouldReportMessageTooLargeWhenBatchExceedsMaxMessageBytes() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        final int size = buffer.remaining();
        view.wrap(buffer, 0);

        assertEquals(ErrorCode.NONE, view.validate(size, size));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, view.validate(size, size - 1));
        assertEquals("batch of " + size + " bytes at offset 0 exceeds the maximum of " + (size - 1) + " bytes",
            view.errorMessage());
    }

    @Test
    void shouldReportInvalidRecordWhenCountDoesNotMatchLastOffsetDelta() {
        final ByteBuffer buffer = typicalSpec(Compression.GZIP).baseOffset(10).build();
        buffer.putInt(RecordBatchFormat.RECORDS_COUNT_OFFSET, 4);
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("Inconsistent batch offset range [10, 14] and count of records 4", view.errorMessage());
        assertEquals(ErrorCode.NONE, view.validateStored(buffer.remaining()), "compaction may leave gaps");
    }

    @Test
    void shouldReportInvalidRecordWhenCountIsZero() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        buffer.putInt(RecordBatchFormat.RECORDS_COUNT_OFFSET, 0);
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("Invalid reported count for record batch: 0", view.errorMessage());
    }

    @Test
    void shouldReportInvalidRecordWhenLastOffsetDeltaIsNegative() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).baseOffset(10).build();
        buffer.putInt(RecordBatchFormat.LAST_OFFSET_DELTA_OFFSET, -2);
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("Batch has an invalid offset range: [10, 8]", view.errorMessage());
        assertEquals(ErrorCode.INVALID_RECORD, view.validateStored(buffer.remaining()));
        assertEquals("batch at offset 10 has lastOffsetDelta -2 and recordsCount 5", view.errorMessage());
    }

    @Test
    void shouldReportInvalidRecordWhenProducerIdHasNoSequence() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).producer(5, (short) 0, 0).build();
        buffer.putInt(RecordBatchFormat.BASE_SEQUENCE_OFFSET, -1);
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.INVALID_RECORD, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("Invalid sequence number -1 in record batch with producerId 5", view.errorMessage());
    }

    @Test
    void shouldReportUnsupportedCompressionWhenCodecIdIsUnknown() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        buffer.putShort(RecordBatchFormat.ATTRIBUTES_OFFSET, (short) 5);
        fixCrc(buffer, 0);

        assertEquals(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
        assertEquals("unknown compression id 5 in batch at offset 0", view.errorMessage());
        assertThrows(IllegalArgumentException.class, view::compression);
    }

    @Test
    void shouldValidateBatchAtAnOffsetOfADirectBufferWithoutMovingIt() {
        final ByteBuffer batch = typicalSpec(Compression.LZ4).build();
        final ByteBuffer direct = ByteBuffer.allocateDirect(batch.remaining() + 100);
        direct.put(37, batch, 0, batch.remaining());
        direct.position(3).limit(37 + batch.remaining() + 5);

        view.wrap(direct, 37);

        assertEquals(ErrorCode.NONE, view.validate(Integer.MAX_VALUE, MAX), view.errorMessage());
        assertEquals(3, direct.position());
        assertEquals(37 + batch.remaining() + 5, direct.limit());
        assertEquals(kafkaBatch(batch).checksum(), view.computeCrc());
    }

    @Test
    void shouldValidateReadOnlyHeapBuffer() {
        final ByteBuffer buffer = typicalSpec(Compression.GZIP).build().asReadOnlyBuffer();

        assertEquals(ErrorCode.NONE, view.wrap(buffer, 0).validate(buffer.remaining(), MAX));
    }

    @Test
    void shouldAllocateNothingWhenValidating() {
        final ByteBuffer heap = typicalSpec(Compression.NONE).build();
        final ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
        direct.put(0, heap, 0, heap.remaining());
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        for (ByteBuffer buffer : new ByteBuffer[] {heap, direct}) {
            int failures = validateTimes(buffer, 20_000);
            final long before = threads.getThreadAllocatedBytes(thread);
            failures += validateTimes(buffer, 10_000);
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;

            assertEquals(0, failures);
            // Less than a byte per call: what remains is JIT and MXBean noise, not per-call garbage.
            assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 10k validations of " + buffer);
        }
    }

    @Test
    void shouldStepThroughConcatenatedBatches() {
        final ByteBuffer first = typicalSpec(Compression.NONE).build();
        final ByteBuffer second = typicalSpec(Compression.GZIP).baseOffset(5).build();
        final ByteBuffer stream = ByteBuffer.allocate(first.remaining() + second.remaining() + 20);
        stream.put(first.duplicate()).put(second.duplicate()).flip();

        assertEquals(first.remaining(), RecordBatchView.nextBatchSize(stream, 0));
        assertEquals(second.remaining(), RecordBatchView.nextBatchSize(stream, first.remaining()));
        assertEquals(RecordBatchView.BATCH_INCOMPLETE, RecordBatchView.nextBatchSize(stream, stream.limit()));
    }

    @Test
    void shouldReportIncompleteBatchWhenSizeFieldOrBodyIsCut() {
        final ByteBuffer batch = typicalSpec(Compression.NONE).build();

        assertEquals(RecordBatchView.BATCH_INCOMPLETE,
            RecordBatchView.nextBatchSize(batch.duplicate().limit(11), 0));
        assertEquals(RecordBatchView.BATCH_INCOMPLETE,
            RecordBatchView.nextBatchSize(batch.duplicate().limit(batch.remaining() - 1), 0));
    }

    @Test
    void shouldReportInvalidLengthWhenBatchLengthIsBelowMinimum() {
        final ByteBuffer batch = typicalSpec(Compression.NONE).build();
        batch.putInt(RecordBatchFormat.BATCH_LENGTH_OFFSET, 48);

        assertEquals(RecordBatchView.BATCH_LENGTH_INVALID, RecordBatchView.nextBatchSize(batch, 0));
    }

    @Test
    void shouldRejectLittleEndianBuffer() {
        final ByteBuffer buffer = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> view.wrap(buffer, 0));
        assertEquals("record batches are big-endian; the buffer is LITTLE_ENDIAN", e.getMessage());
    }

    @Test
    void shouldRejectOffsetOutsideBuffer() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> view.wrap(ByteBuffer.allocate(10), 11));
        assertEquals("offset 11 is outside [0, 10]", e.getMessage());
    }

    @Test
    void shouldReadCrcAsUnsigned() {
        final ByteBuffer buffer = typicalSpec(Compression.NONE).build();
        buffer.putInt(RecordBatchFormat.CRC_OFFSET, 0xFFFFFFFE);

        assertEquals(0xFFFFFFFEL, view.wrap(buffer, 0).crc());
    }

    private int validateTimes(final ByteBuffer buffer, final int times) {
        int failures = 0;
        for (int i = 0; i < times; i++) {
            view.wrap(buffer, 0);
            if (view.validate(buffer.limit(), MAX) != ErrorCode.NONE) {
                failures++;
            }
        }
        return failures;
    }

    private void assertSameHeaderAsKafka(final ByteBuffer buffer) {
        final DefaultRecordBatch kafka = (DefaultRecordBatch) kafkaBatch(buffer);
        view.wrap(buffer, 0);
        assertEquals(kafka.baseOffset(), view.baseOffset());
        assertEquals(kafka.sizeInBytes(), view.sizeInBytes());
        assertEquals(kafka.sizeInBytes() - RecordBatchFormat.LOG_OVERHEAD, view.batchLength());
        assertEquals(kafka.partitionLeaderEpoch(), view.partitionLeaderEpoch());
        assertEquals(kafka.magic(), view.magic());
        assertEquals(kafka.checksum(), view.crc());
        assertEquals(kafka.checksum(), view.computeCrc());
        assertTrue(view.isCrcValid());
        assertEquals(kafka.compressionType().id, view.compressionId());
        assertEquals(kafka.compressionType().name, view.compression().codecName());
        assertEquals(kafka.timestampType() == TimestampType.LOG_APPEND_TIME, view.isLogAppendTime());
        assertEquals(kafka.isTransactional(), view.isTransactional());
        assertEquals(kafka.isControlBatch(), view.isControl());
        assertEquals(kafka.deleteHorizonMs().isPresent(), view.hasDeleteHorizonMs());
        assertEquals(kafka.lastOffset(), view.lastOffset());
        assertEquals(kafka.nextOffset(), view.nextOffset());
        assertEquals(kafka.baseTimestamp(), view.baseTimestamp());
        assertEquals(kafka.maxTimestamp(), view.maxTimestamp());
        assertEquals(kafka.producerId(), view.producerId());
        assertEquals(kafka.hasProducerId(), view.hasProducerId());
        assertEquals(kafka.producerEpoch(), view.producerEpoch());
        assertEquals(kafka.baseSequence(), view.baseSequence());
        assertEquals(kafka.lastSequence(), view.lastSequence());
        assertEquals(kafka.countOrNull(), view.recordCount());
    }
}
