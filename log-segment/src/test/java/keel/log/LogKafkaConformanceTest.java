package keel.log;

import keel.log.testing.Directories;
import keel.log.testing.TestBatches;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.storage.internals.log.LogSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte-level conformance with Apache Kafka 4.4: batches built by Kafka's own builder go through Keel unchanged but
 * for the two fields the broker owns, Kafka's file reader reads Keel's segments, Keel's index files are the ones
 * Kafka's {@code LogSegment} writes for the same appends, and Keel opens partition directories Kafka wrote.
 */
class LogKafkaConformanceTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int LEADER_EPOCH = 7;
    private static final long PRODUCER_ID = 4242L;
    private static final short PRODUCER_EPOCH = 3;
    private static final String LOG_SUFFIX = ".log";
    private static final int INDEX_BYTES = 4096;

    @TempDir
    Path tmp;

    /** Timestamps are fixed in the past: without this, segment.ms would roll at every append. */
    private static final LogConfig CONFIG = LogConfig.defaults().with(LogConfig.SEGMENT_MS_CONFIG, Long.MAX_VALUE)
        .with(LogConfig.SEGMENT_BYTES_CONFIG, 1 << 20);

    private final AppendResult result = new AppendResult();

    static Stream<Arguments> codecs() {
        final List<Arguments> arguments = new ArrayList<>();
        for (final CompressionType type : new CompressionType[] {CompressionType.NONE, CompressionType.GZIP,
            CompressionType.LZ4, CompressionType.SNAPPY, CompressionType.ZSTD}) {
            arguments.add(Arguments.of(type, false));
            arguments.add(Arguments.of(type, true));
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} idempotent={1}")
    @MethodSource("codecs")
    void shouldStoreKafkaBuiltBatchesByteForByteExceptBaseOffsetAndLeaderEpochWhenAppendedAsLeader(
        final CompressionType type, final boolean idempotent) throws IOException {
        final Random random = new Random(type.id * 2L + (idempotent ? 1 : 0));
        final List<MemoryRecords> batches = new ArrayList<>();
        int sequence = 0;
        for (int i = 0; i < 5; i++) {
            final MemoryRecords batch = kafkaBatch(random, type, 0L, idempotent ? sequence : RecordBatch.NO_SEQUENCE,
                idempotent, 1 + random.nextInt(8));
            sequence += recordCount(batch);
            batches.add(batch);
        }
        // appends of one batch, then one of two batches, as a producer's request may carry
        final int[][] appends = {{0}, {1, 2}, {3}, {4}};
        final ByteBuffer expected = ByteBuffer.allocate(totalBytes(batches));
        final Path dir = tmp.resolve("kafka-0");
        try (Log log = Log.open(dir, CONFIG)) {
            long nextOffset = 0;
            for (final int[] append : appends) {
                final List<MemoryRecords> group = new ArrayList<>();
                for (final int index : append) {
                    group.add(batches.get(index));
                }
                final ByteBuffer bytes = concat(group);
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(bytes, LEADER_EPOCH, result), result.toString());
                assertEquals(nextOffset, result.firstOffset());
                for (final MemoryRecords batch : group) {
                    final int at = expected.position();
                    expected.put(batch.buffer().duplicate());
                    expected.putLong(at + RecordBatchFormat.BASE_OFFSET_OFFSET, nextOffset);
                    expected.putInt(at + RecordBatchFormat.PARTITION_LEADER_EPOCH_OFFSET, LEADER_EPOCH);
                    nextOffset += recordCount(batch);
                }
                assertEquals(nextOffset - 1, result.lastOffset());
            }
            final ByteBuffer stored = log.readBatches(0, Integer.MAX_VALUE);
            assertArrayEquals(expected.array(), bytes(stored), "stored batches differ from Kafka's beyond baseOffset "
                + "and partitionLeaderEpoch");
        }

        final Path segmentFile = dir.resolve("00000000000000000000.log");
        assertEquals(expected.capacity(), Files.size(segmentFile), "a cleanly closed segment holds only its batches");
        final List<String> read = new ArrayList<>();
        try (FileRecords file = FileRecords.open(segmentFile.toFile(), false)) {
            long nextOffset = 0;
            for (final FileChannelRecordBatch batch : file.batches()) {
                batch.ensureValid();
                assertEquals(LEADER_EPOCH, batch.partitionLeaderEpoch());
                assertEquals(nextOffset, batch.baseOffset());
                assertEquals(idempotent ? PRODUCER_ID : RecordBatch.NO_PRODUCER_ID, batch.producerId());
                nextOffset = batch.lastOffset() + 1;
                read.addAll(describe(batch));
            }
        }
        final List<String> written = new ArrayList<>();
        long offset = 0;
        for (final MemoryRecords batch : batches) {
            for (final RecordBatch original : batch.batches()) {
                for (final Record record : original) {
                    written.add(describe(offset + record.offset(), record));
                }
                offset += original.lastOffset() + 1;
            }
        }
        assertEquals(written, read);
    }

    @ParameterizedTest(name = "index.interval.bytes={0}")
    @ValueSource(ints = {0, 700, 4096})
    void shouldWriteTheFilesKafkasLogSegmentWritesWhenAppendingTheSameBatches(final int indexIntervalBytes)
        throws IOException {
        final Random random = new Random(indexIntervalBytes);
        final LogConfig config = CONFIG.with(Map.of(LogConfig.SEGMENT_BYTES_CONFIG, "40000",
            LogConfig.INDEX_INTERVAL_BYTES_CONFIG, Integer.toString(indexIntervalBytes),
            LogConfig.SEGMENT_INDEX_BYTES_CONFIG, Integer.toString(INDEX_BYTES)));
        final Path keelDir = tmp.resolve("keel-0");
        final List<Appended> events = new ArrayList<>();
        Log log = Log.open(keelDir, config, LogOptions.defaults(), 0, 0, false);
        try {
            for (int i = 0; i < 200; i++) {
                if (i == 77 || i == 151) {
                    // a restart in the middle of a segment: both restart the index interval count at the reopen
                    log.close();
                    log = Log.open(keelDir, config, LogOptions.defaults(), log.logEndOffset(), 0, true);
                    events.add(null);
                }
                final List<MemoryRecords> group = new ArrayList<>();
                final int batches = random.nextInt(6) == 0 ? 2 + random.nextInt(3) : 1;
                for (int b = 0; b < batches; b++) {
                    group.add(kafkaBatch(random, CompressionType.NONE, 0, RecordBatch.NO_SEQUENCE, false,
                        1 + random.nextInt(random.nextBoolean() ? 3 : 30)));
                }
                final ByteBuffer bytes = concat(group);
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(bytes, LEADER_EPOCH, result), result.toString());
                bytes.rewind();
                events.add(new Appended(result.firstOffset(), result.lastOffset(), bytes));
            }
        } finally {
            log.close();
        }

        final List<Long> bases = baseOffsets(keelDir);
        assertTrue(bases.size() >= 3, "segments " + bases);
        final Path kafkaDir = Files.createDirectories(tmp.resolve("kafka").resolve("keel-0"));
        writeWithKafka(kafkaDir, bases, events, indexIntervalBytes);

        for (final long base : bases) {
            for (final String suffix : new String[] {LOG_SUFFIX, ".index", ".timeindex"}) {
                final String name = String.format("%020d%s", base, suffix);
                assertArrayEquals(Files.readAllBytes(kafkaDir.resolve(name)), Files.readAllBytes(keelDir.resolve(name)),
                    name + " differs from the file Kafka's LogSegment wrote");
            }
        }
        if (indexIntervalBytes < 4096) {
            assertTrue(Files.size(keelDir.resolve(String.format("%020d.index", bases.get(0)))) > 0,
                "the comparison must cover index entries");
        }
    }

    @Test
    void shouldReadEveryRecordWhenOpeningSegmentsAndIndexesKafkaWrote() throws IOException {
        final Path dir = Files.createDirectories(tmp.resolve("kafka-0"));
        final List<String> written = writeKafkaPartition(dir, new Random(11));
        final long end = written.size();
        try (Log log = Log.open(dir, CONFIG.with(LogConfig.INDEX_INTERVAL_BYTES_CONFIG, 1000),
            LogOptions.defaults(), end, 0, true)) {
            assertEquals(end, log.logEndOffset());
            assertTrue(log.segmentCount() >= 3, "segments " + log.segmentCount());
            assertEquals(written, TestBatches.describeAll(log));
            assertEveryOffsetReadable(log, written);
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(end, result.firstOffset());
        }
    }

    @Test
    void shouldRebuildKafkasIndexesWhenOpeningKafkaLogFilesWithoutIndexes() throws IOException {
        final Path kafkaDir = Files.createDirectories(tmp.resolve("kafka").resolve("orders-3"));
        final List<String> written = writeKafkaPartition(kafkaDir, new Random(12));
        final Path dir = Files.createDirectories(tmp.resolve("orders-3"));
        for (final Path file : Directories.filesEndingWith(kafkaDir, LOG_SUFFIX)) {
            Files.copy(file, dir.resolve(file.getFileName().toString()));
        }
        try (Log log = Log.open(dir, CONFIG.with(LogConfig.INDEX_INTERVAL_BYTES_CONFIG, 1000))) {
            assertEquals(written.size(), log.logEndOffset());
            assertEquals(written, TestBatches.describeAll(log));
            assertEveryOffsetReadable(log, written);
        }
        for (final Path file : Directories.list(kafkaDir)) {
            final String name = file.getFileName().toString();
            if (name.endsWith(LOG_SUFFIX) || name.endsWith(".index") || name.endsWith(".timeindex")) {
                assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve(name)),
                    name + " rebuilt by Keel differs from Kafka's");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Appended(long firstOffset, long lastOffset, ByteBuffer bytes) {
    }

    /**
     * Replays Keel's appends, segment by segment and with the same restarts, into Kafka's own LogSegment.
     */
    private static void writeWithKafka(final Path dir, final List<Long> bases, final List<Appended> events,
                                       final int indexIntervalBytes) throws IOException {
        final org.apache.kafka.storage.internals.log.LogConfig config = kafkaConfig(indexIntervalBytes);
        LogSegment segment = null;
        int nextBase = 0;
        for (final Appended event : events) {
            if (event == null) {
                if (segment != null) {
                    // Kafka's clean shutdown (prepareActiveSegmentForClose), then its log loader's reopen
                    final long base = segment.baseOffset();
                    closeAsKafkaDoes(segment);
                    segment = LogSegment.open(dir.toFile(), base, config, Time.SYSTEM, true, 0, false, "");
                    segment.resizeIndexes(INDEX_BYTES);
                }
                continue;
            }
            while (nextBase < bases.size() && event.firstOffset() >= bases.get(nextBase)) {
                if (segment != null) {
                    closeAsKafkaDoes(segment);
                }
                segment = LogSegment.open(dir.toFile(), bases.get(nextBase), config, Time.SYSTEM, 0, false);
                nextBase++;
            }
            segment.append(event.lastOffset(), MemoryRecords.readableRecords(event.bytes().duplicate()));
        }
        if (segment != null) {
            closeAsKafkaDoes(segment);
        }
    }

    /**
     * Kafka 4.4 finishes a segment in {@code onBecomeInactiveSegment} (final time index entry, files trimmed), at a
     * roll and, for the active segment, at a clean shutdown; {@code close} only releases it.
     */
    private static void closeAsKafkaDoes(final LogSegment segment) throws IOException {
        segment.onBecomeInactiveSegment();
        segment.close();
    }

    private static org.apache.kafka.storage.internals.log.LogConfig kafkaConfig(final int indexIntervalBytes) {
        return new org.apache.kafka.storage.internals.log.LogConfig(Map.of(
            LogConfig.INDEX_INTERVAL_BYTES_CONFIG, Integer.toString(indexIntervalBytes),
            LogConfig.SEGMENT_INDEX_BYTES_CONFIG, Integer.toString(INDEX_BYTES)));
    }

    /**
     * Writes three segments of Kafka-built batches (none, gzip and lz4, with keys, null values and headers) through
     * Kafka's LogSegment, which writes the indexes.
     *
     * @return the records' descriptions in offset order.
     */
    private static List<String> writeKafkaPartition(final Path dir, final Random random) throws IOException {
        final org.apache.kafka.storage.internals.log.LogConfig config = kafkaConfig(1000);
        final CompressionType[] types = {CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4};
        final List<String> written = new ArrayList<>();
        long offset = 0;
        for (int s = 0; s < 3; s++) {
            final LogSegment segment = LogSegment.open(dir.toFile(), offset, config, Time.SYSTEM, 0, false);
            try {
                for (int i = 0; i < 40; i++) {
                    final MemoryRecords batch = kafkaBatch(random, types[random.nextInt(types.length)], offset,
                        RecordBatch.NO_SEQUENCE, false, 1 + random.nextInt(12));
                    for (final RecordBatch b : batch.batches()) {
                        for (final Record record : b) {
                            written.add(describe(record.offset(), record));
                        }
                        offset = b.lastOffset() + 1;
                    }
                    segment.append(offset - 1, batch);
                }
            } finally {
                closeAsKafkaDoes(segment);
            }
        }
        return written;
    }

    private static void assertEveryOffsetReadable(final Log log, final List<String> written) throws IOException {
        for (int offset = 0; offset < written.size(); offset++) {
            final ByteBuffer first = log.readBatches(offset, 1);
            final List<String> records = TestBatches.describe(first);
            assertTrue(records.contains(written.get(offset)), "offset " + offset + " not in the batch read for it");
        }
    }

    private static MemoryRecords kafkaBatch(final Random random, final CompressionType type, final long baseOffset,
                                            final int baseSequence, final boolean idempotent, final int records) {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE,
            Compression.of(type).build(), TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP,
            idempotent ? PRODUCER_ID : RecordBatch.NO_PRODUCER_ID,
            idempotent ? PRODUCER_EPOCH : RecordBatch.NO_PRODUCER_EPOCH, baseSequence, false,
            RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < records; i++) {
            final long timestamp = T0 + random.nextInt(100_000) - 50_000;
            final byte[] key = random.nextInt(4) == 0 ? null : ("key-" + random.nextInt(1000))
                .getBytes(StandardCharsets.UTF_8);
            final byte[] value = random.nextInt(10) == 0 ? null : randomText(random, random.nextInt(400));
            final Header[] headers = new Header[random.nextInt(3)];
            for (int h = 0; h < headers.length; h++) {
                headers[h] = new RecordHeader("h" + h, random.nextInt(5) == 0 ? null : randomText(random, 10));
            }
            builder.append(timestamp, key, value, headers);
        }
        return builder.build();
    }

    private static byte[] randomText(final Random random, final int length) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            // compressible, like real payloads, so the codecs really shrink it
            bytes[i] = (byte) ('a' + random.nextInt(6));
        }
        return bytes;
    }

    private static int recordCount(final MemoryRecords records) {
        int count = 0;
        for (final RecordBatch batch : records.batches()) {
            count += (int) (batch.lastOffset() - batch.baseOffset() + 1);
        }
        return count;
    }

    private static int totalBytes(final List<MemoryRecords> batches) {
        int total = 0;
        for (final MemoryRecords batch : batches) {
            total += batch.sizeInBytes();
        }
        return total;
    }

    private static ByteBuffer concat(final List<MemoryRecords> batches) {
        final ByteBuffer bytes = ByteBuffer.allocate(totalBytes(batches));
        for (final MemoryRecords batch : batches) {
            bytes.put(batch.buffer().duplicate());
        }
        return bytes.flip();
    }

    private static byte[] bytes(final ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static List<String> describe(final RecordBatch batch) {
        final List<String> lines = new ArrayList<>();
        for (final Record record : batch) {
            lines.add(describe(record.offset(), record));
        }
        return lines;
    }

    private static String describe(final long offset, final Record record) {
        final Header[] headers = record.headers();
        final String[] keys = new String[headers.length];
        final byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            keys[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        return TestBatches.describe(offset, record.timestamp(), record.hasKey() ? bytes(record.key()) : null,
            record.hasValue() ? bytes(record.value()) : null, keys, values);
    }

    private static List<Long> baseOffsets(final Path dir) throws IOException {
        final List<Long> bases = new ArrayList<>();
        for (final Path file : Directories.filesEndingWith(dir, LOG_SUFFIX)) {
            final String name = file.getFileName().toString();
            bases.add(Long.parseLong(name.substring(0, name.length() - LOG_SUFFIX.length())));
        }
        assertFalse(bases.isEmpty(), "no segment in " + dir + ": " + Arrays.toString(dir.toFile().list()));
        return bases;
    }
}
