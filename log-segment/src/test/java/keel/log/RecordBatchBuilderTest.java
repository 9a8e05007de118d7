package keel.log;

import static keel.log.RecordBatchTestSupport.TIMESTAMP;
import static keel.log.RecordBatchTestSupport.assertSameRecordsAsKafka;
import static keel.log.RecordBatchTestSupport.bytes;
import static keel.log.RecordBatchTestSupport.kafkaBatch;
import static keel.log.RecordBatchTestSupport.toArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RecordBatchBuilderTest {
    private static final int PROPERTY_SEEDS = 60;

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldBuildTheSameBytesAsKafkasBuilder(final Compression compression) {
        final RecordBatchTestSupport.KafkaBatchSpec spec = RecordBatchTestSupport.typicalSpec(compression)
            .baseOffset(33).producer(9, (short) 1, 100).transactional(true).partitionLeaderEpoch(4);
        final ByteBuffer kafka = spec.build();

        final ByteBuffer keel;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            builder.baseOffset(33).producerId(9).producerEpoch((short) 1).baseSequence(100).transactional(true)
                .partitionLeaderEpoch(4);
            appendTypicalRecords(builder);
            keel = builder.build();
        }

        assertArrayEquals(toArray(kafka), toArray(keel), compression.codecName());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldBeReadByKafkaWithValidCrcAndSameRecords(final Compression compression) {
        final ByteBuffer buffer;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            appendTypicalRecords(builder.baseOffset(5));
            buffer = builder.build();
        }

        final MutableRecordBatch kafka = kafkaBatch(buffer);
        kafka.ensureValid();
        assertEquals(5L, kafka.baseOffset());
        assertEquals(9L, kafka.lastOffset());
        assertEquals(5, kafka.countOrNull());
        assertEquals(TIMESTAMP, ((org.apache.kafka.common.record.internal.DefaultRecordBatch) kafka).baseTimestamp());
        assertEquals(TIMESTAMP + 5, kafka.maxTimestamp());
        assertEquals(compression.id(), kafka.compressionType().id);
        assertEquals(0, buffer.position());
        assertEquals(buffer.capacity(), buffer.limit());
        assertSameRecordsAsKafka(buffer, compression.codecName());
        assertEquals(ErrorCode.NONE, new RecordBatchView().wrap(buffer, 0).validate(buffer.remaining(),
            buffer.remaining()));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldWriteLogAppendTimeAsKafkaReadsIt(final Compression compression) {
        final ByteBuffer buffer;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            appendTypicalRecords(builder.logAppendTime(TIMESTAMP + 777));
            buffer = builder.build();
        }

        final MutableRecordBatch kafka = kafkaBatch(buffer);
        kafka.ensureValid();
        assertEquals(TimestampType.LOG_APPEND_TIME, kafka.timestampType());
        assertEquals(TIMESTAMP + 777, kafka.maxTimestamp());
        for (Record record : kafka) {
            assertEquals(TIMESTAMP + 777, record.timestamp());
        }
    }

    @Test
    void shouldCompressLargeLz4PayloadInKafkaSizedBlocks() {
        final byte[] value = new byte[200_000];
        new Random(7).nextBytes(value);
        for (int i = 0; i < value.length / 2; i++) {
            value[i] = (byte) (i % 10);
        }
        final RecordBatchTestSupport.KafkaBatchSpec spec = new RecordBatchTestSupport.KafkaBatchSpec()
            .compression(Compression.LZ4);
        final ByteBuffer keel;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.LZ4)) {
            keel = builder.append(TIMESTAMP, bytes("k"), value).build();
        }
        spec.records.add(new org.apache.kafka.common.record.internal.SimpleRecord(TIMESTAMP, bytes("k"), value));

        assertArrayEquals(toArray(spec.build()), toArray(keel));
        assertSameRecordsAsKafka(keel, "large lz4");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"SNAPPY", "ZSTD"})
    void shouldRefuseCodecsWithoutEncoder(final Compression compression) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RecordBatchBuilder(compression));
        assertEquals("Keel cannot build " + compression.codecName() + " batches (supported: none, gzip, lz4)",
            e.getMessage());
    }

    @Test
    void shouldRefuseToBuildEmptyBatch() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new RecordBatchBuilder(Compression.NONE).build());
        assertEquals("Cannot build a record batch without records", e.getMessage());
    }

    @Test
    void shouldRefuseTransactionalBatchWithoutProducerId() {
        final RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE).transactional(true)
            .append(TIMESTAMP, bytes("k"), bytes("v"));

        final IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertEquals("Cannot write transactional messages without a valid producer ID", e.getMessage());
    }

    @Test
    void shouldRefuseNegativeTimestamp() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RecordBatchBuilder(Compression.NONE).append(-2L, bytes("k"), bytes("v")));
        assertEquals("Invalid negative timestamp -2", e.getMessage());
    }

    @Test
    void shouldRefuseNullHeaderKey() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RecordBatchBuilder.Header(null, bytes("v")));
        assertEquals("Invalid null header key found in headers", e.getMessage());
    }

    @Test
    void shouldMarkControlBatch() {
        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE).control(true).transactional(true)
            .producerId(3).producerEpoch((short) 0).baseSequence(RecordBatchFormat.NO_SEQUENCE)
            .append(TIMESTAMP, new byte[] {0, 0, 0, 1}, new byte[] {0, 0, 0, 0, 0, 0}).build();

        final MutableRecordBatch kafka = kafkaBatch(buffer);
        kafka.ensureValid();
        assertTrue(kafka.isControlBatch());
        assertTrue(kafka.isTransactional());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4"})
    void shouldNeverBuildMoreThanTheEstimate(final Compression compression) {
        final byte[] random = new byte[70_000];
        new Random(3).nextBytes(random);
        try (RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            builder.append(TIMESTAMP, null, random);
            builder.append(TIMESTAMP, bytes("k"), new byte[0], new RecordBatchBuilder.Header("h", null));

            assertTrue(builder.build().remaining() <= builder.estimatedSizeInBytes());
        }
    }

    @Test
    void shouldReportRoomUntilTheLimitAndAlwaysForTheFirstRecord() {
        final byte[] value = new byte[100];
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE).maxBatchSizeBytes(300)) {
            assertTrue(builder.hasRoomFor(TIMESTAMP, null, new byte[1000]), "the first record always fits");
            int appended = 0;
            while (builder.hasRoomFor(TIMESTAMP, null, value)) {
                builder.append(TIMESTAMP, null, value);
                appended++;
            }

            assertEquals(2, appended);
            assertTrue(builder.estimatedSizeInBytes() <= 300);
            assertEquals(builder.estimatedSizeInBytes(), builder.build().remaining());
            assertFalse(builder.hasRoomFor(TIMESTAMP, (ByteBuffer) null, ByteBuffer.wrap(value)));
        }
    }

    @Test
    void shouldStartOverWhenReset() {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.GZIP)) {
            builder.baseOffset(99).producerId(5).logAppendTime(TIMESTAMP).append(TIMESTAMP, bytes("a"), bytes("b"));
            builder.build();

            builder.reset();
            final ByteBuffer second = builder.append(TIMESTAMP + 1, bytes("c"), bytes("d")).build();

            final MutableRecordBatch kafka = kafkaBatch(second);
            kafka.ensureValid();
            assertEquals(0L, kafka.baseOffset());
            assertEquals(RecordBatch.NO_PRODUCER_ID, kafka.producerId());
            assertEquals(TimestampType.CREATE_TIME, kafka.timestampType());
            assertEquals(1, builder.recordCount());
            assertSameRecordsAsKafka(second, "after reset");
        }
    }

    @Test
    void shouldReadByteBufferKeyAndValueWithoutMovingThem() {
        final ByteBuffer key = ByteBuffer.wrap(bytes("xxkeyxx")).position(2).limit(5);
        final ByteBuffer value = ByteBuffer.allocateDirect(5).put(bytes("value")).flip();

        final ByteBuffer buffer = new RecordBatchBuilder(Compression.NONE).append(TIMESTAMP, key, value).build();

        assertEquals(2, key.position());
        assertEquals(0, value.position());
        final Record record = kafkaBatch(buffer).iterator().next();
        assertArrayEquals(bytes("key"), toArray(record.key()));
        assertArrayEquals(bytes("value"), toArray(record.value()));
    }

    @Test
    void shouldWriteIntoCallerBufferAtAnOffset() {
        final ByteBuffer direct = ByteBuffer.allocateDirect(500).position(7);
        final int size;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.LZ4)) {
            appendTypicalRecords(builder);
            size = builder.writeTo(direct, 100);
        }

        assertEquals(7, direct.position());
        final RecordBatchView view = new RecordBatchView().wrap(direct, 100);
        assertEquals(size, view.sizeInBytes());
        assertEquals(ErrorCode.NONE, view.validate(size, size));
        final ByteBuffer copy = ByteBuffer.allocate(size);
        copy.put(0, direct, 100, size);
        kafkaBatch(copy).ensureValid();
    }

    @Test
    void shouldRefuseCallerBufferThatIsTooSmall() {
        final RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE).append(TIMESTAMP, (byte[]) null, null);

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> builder.writeTo(ByteBuffer.allocate(70), 10));
        assertEquals("batch of 68 bytes does not fit at 10 before the limit 70", e.getMessage());
    }

    static LongStream seeds() {
        return LongStream.range(0, PROPERTY_SEEDS);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void shouldRoundTripRandomBatchesThroughKeelAndKafka(final long seed) {
        final Random random = new Random(seed);
        final Compression compression = new Compression[] {Compression.NONE, Compression.GZIP,
            Compression.LZ4}[random.nextInt(3)];
        final String context = "seed=" + seed + " compression=" + compression;
        final List<Object[]> expected = new ArrayList<>();
        final ByteBuffer buffer;
        final long baseOffset = random.nextInt(1_000_000);
        try (RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            builder.baseOffset(baseOffset);
            if (random.nextBoolean()) {
                builder.producerId(random.nextInt(1000)).producerEpoch((short) random.nextInt(10))
                    .baseSequence(random.nextInt(Integer.MAX_VALUE));
            }
            final int count = 1 + random.nextInt(random.nextBoolean() ? 5 : 300);
            for (int i = 0; i < count; i++) {
                final long timestamp = random.nextInt(10) == 0 ? RecordBatchFormat.NO_TIMESTAMP
                    : TIMESTAMP + random.nextInt(100_000) - 50_000;
                final byte[] key = randomBytes(random, 40);
                final byte[] value = randomBytes(random, random.nextInt(20) == 0 ? 100_000 : 500);
                final RecordBatchBuilder.Header[] headers = new RecordBatchBuilder.Header[random.nextInt(4)];
                for (int h = 0; h < headers.length; h++) {
                    headers[h] = new RecordBatchBuilder.Header("h" + random.nextInt(100), randomBytes(random, 20));
                }
                builder.append(timestamp, key, value, headers);
                expected.add(new Object[] {timestamp, key, value, headers});
            }
            buffer = builder.build();
            assertTrue(buffer.remaining() <= builder.estimatedSizeInBytes(), context);
        }

        final MutableRecordBatch kafka = kafkaBatch(buffer);
        kafka.ensureValid();
        assertEquals(baseOffset + expected.size() - 1, kafka.lastOffset(), context);
        int index = 0;
        for (Record record : kafka) {
            final Object[] want = expected.get(index);
            assertEquals(baseOffset + index, record.offset(), context);
            assertEquals((long) want[0], record.timestamp(), context);
            assertArrayEquals((byte[]) want[1], toArray(record.key()), context);
            assertArrayEquals((byte[]) want[2], toArray(record.value()), context);
            final RecordBatchBuilder.Header[] headers = (RecordBatchBuilder.Header[]) want[3];
            assertEquals(headers.length, record.headers().length, context);
            for (int h = 0; h < headers.length; h++) {
                assertEquals(new RecordHeader(headers[h].key(), headers[h].value()), record.headers()[h], context);
            }
            index++;
        }
        assertEquals(expected.size(), index, context);
        final RecordBatchView view = new RecordBatchView().wrap(buffer, 0);
        assertEquals(ErrorCode.NONE, view.validate(buffer.remaining(), buffer.remaining()), context);
        try (RecordReader reader = new RecordReader()) {
            assertEquals(ErrorCode.NONE, reader.tryValidateRecords(view), context + " " + reader.errorMessage());
        }
        assertSameRecordsAsKafka(buffer, context);
    }

    private static byte[] randomBytes(final Random random, final int maxLength) {
        if (random.nextInt(8) == 0) {
            return null;
        }
        final byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        if (random.nextBoolean()) {
            random.nextBytes(bytes);
        } else {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) ('a' + random.nextInt(4));
            }
        }
        return bytes;
    }

    /** The records of {@link RecordBatchTestSupport#typicalSpec}, appended through Keel's builder. */
    private static void appendTypicalRecords(final RecordBatchBuilder builder) {
        builder.append(TIMESTAMP, bytes("key-0"), bytes("value-0"))
            .append(TIMESTAMP + 5, null, bytes("value-1"), new RecordBatchBuilder.Header("h1", bytes("v1")))
            .append(TIMESTAMP - 3, bytes("key-2"), null, new RecordBatchBuilder.Header("h1", null),
                new RecordBatchBuilder.Header("ünï", new byte[0]))
            .append(TIMESTAMP + 5, bytes(""), bytes(""))
            .append(RecordBatchFormat.NO_TIMESTAMP, bytes("key-4"), bytes("value-4".repeat(100)));
    }
}
