package keel.log;

import keel.index.testing.FailingFileAllocator;
import keel.log.testing.ManualTime;
import keel.log.testing.OpenFiles;
import keel.log.testing.TestBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static keel.log.testing.TestBatches.batch;
import static keel.log.testing.TestBatches.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(T0);
    private final AppendResult result = new AppendResult();

    private Log open(final LogConfig config) throws IOException {
        return Log.open(tmp.resolve("events-0"), config, LogOptions.defaults().time(time), 0, 0, false);
    }

    private Log open() throws IOException {
        return open(LogConfig.defaults());
    }

    private static List<String> readAll(final Log log) throws IOException {
        final List<String> all = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            final ByteBuffer batches = log.readBatches(offset, 1 << 20);
            if (!batches.hasRemaining()) {
                break;
            }
            final List<Long> offsets = TestBatches.offsets(batches.duplicate());
            final List<String> values = values(batches);
            for (int i = 0; i < offsets.size(); i++) {
                if (offsets.get(i) >= offset) {
                    all.add(values.get(i));
                }
            }
            offset = offsets.get(offsets.size() - 1) + 1;
        }
        return all;
    }

    @Test
    void shouldAssignConsecutiveOffsetsWhenAppendingBatches() throws IOException {
        try (Log log = open()) {
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(batch(T0, "a", "b", "c"), 0, result));
            assertEquals(0, result.firstOffset());
            assertEquals(2, result.lastOffset());
            assertEquals(3, result.recordCount());
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(batch(T0, "d"), 0, result));
            assertEquals(3, result.firstOffset());
            assertEquals(4, log.logEndOffset());
            assertEquals(List.of("a", "b", "c", "d"), readAll(log));
        }
    }

    @Test
    void shouldReadOnlyBelowUpperBoundWhenHighWatermarkIsBehind() throws IOException {
        try (Log log = open(); ReadResult read = new ReadResult()) {
            log.tryAppendAsLeader(batch(T0, "a", "b"), 0, result);
            log.tryAppendAsLeader(batch(T0, "c"), 0, result);
            assertEquals(ErrorCode.NONE, log.read(0, 1 << 20, 2, true, read));
            final ByteBuffer copy = ByteBuffer.allocate(read.sizeInBytes());
            read.readFully(copy);
            copy.flip();
            assertEquals(List.of("a", "b"), values(copy));
            read.release();
            assertEquals(ErrorCode.NONE, log.read(2, 1 << 20, 2, true, read));
            assertEquals(0, read.sizeInBytes());
        }
    }

    @Test
    void shouldReturnFirstBatchEvenIfLargerThanMaxBytesWhenMinOneBatch() throws IOException {
        try (Log log = open(); ReadResult read = new ReadResult()) {
            log.tryAppendAsLeader(TestBatches.sized(1000, T0), 0, result);
            assertEquals(ErrorCode.NONE, log.read(0, 10, Long.MAX_VALUE, true, read));
            assertTrue(read.sizeInBytes() > 1000);
            read.release();
            assertEquals(ErrorCode.NONE, log.read(0, 10, Long.MAX_VALUE, false, read));
            assertEquals(0, read.sizeInBytes());
        }
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWhenReadingPastTheEnd() throws IOException {
        try (Log log = open(); ReadResult read = new ReadResult()) {
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(2, 100, Long.MAX_VALUE, true, read));
            assertEquals(ErrorCode.NONE, log.read(1, 100, Long.MAX_VALUE, true, read));
            assertEquals(0, read.sizeInBytes());
        }
    }

    @Test
    void shouldTakeActiveSegmentAsWarmWhenDecidingColdness() throws IOException {
        try (Log log = open(); ReadResult read = new ReadResult()) {
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            assertEquals(ErrorCode.NONE, log.read(0, 1 << 20, Long.MAX_VALUE, true, read));

            assertFalse(read.mayBeCold());
        }
    }

    @Test
    void shouldAskPageCacheAndFindRegionResidentWhenRolledSegmentWasJustWrittenAndPrefaulted() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024));
             ReadResult read = new ReadResult()) {
            for (int i = 0; i < 10; i++) {
                log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result);
            }
            assertEquals(ErrorCode.NONE, log.read(0, 1 << 20, Long.MAX_VALUE, true, read));
            read.prefault();

            assertFalse(read.mayBeCold());
        }
    }

    @Test
    void shouldRollWhenSegmentIsFull() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024))) {
            for (int i = 0; i < 20; i++) {
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result));
            }
            assertTrue(log.segmentCount() >= 5, "segments " + log.segmentCount());
            assertEquals(20, readAll(log).size());
            final long[] bases = log.segmentBaseOffsets();
            for (int i = 1; i < bases.length; i++) {
                assertTrue(Files.exists(log.dir().resolve(String.format("%020d.log", bases[i]))));
            }
        }
    }

    @Test
    void shouldRollWhenSegmentIsOlderThanSegmentMs() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_MS_CONFIG, 1000))) {
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            time.advance(1001);
            log.tryAppendAsLeader(batch(time.milliseconds(), "b"), 0, result);
            assertArrayEquals(new long[] {0, 1}, log.segmentBaseOffsets());
        }
    }

    @Test
    void shouldNotRollPerAppendWhenTimestampsAreOlderThanSegmentMs() throws IOException {
        // Kafka measures a segment's age from its first timestamp to the incoming one, not to the clock
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_MS_CONFIG, 1000))) {
            time.advance(1_000_000);
            for (int i = 0; i < 10; i++) {
                log.tryAppendAsLeader(batch(T0, "old-" + i), 0, result);
            }
            assertArrayEquals(new long[] {0}, log.segmentBaseOffsets());
        }
    }

    @Test
    void shouldNotRollWhenOldTimestampsAreWithinSegmentMsOfTheFirstBatch() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_MS_CONFIG, 1000))) {
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            time.advance(10_000);
            log.tryAppendAsLeader(batch(T0 + 1, "b"), 0, result);
            assertArrayEquals(new long[] {0}, log.segmentBaseOffsets());
        }
    }

    @Test
    void shouldRejectBatchLargerThanMaxMessageBytes() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.MAX_MESSAGE_BYTES_CONFIG, 500))) {
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, log.tryAppendAsLeader(TestBatches.sized(600, T0), 0, result));
            assertTrue(result.errorMessage().contains("max.message.bytes=500"), result.errorMessage());
            assertEquals(0, log.logEndOffset());
        }
    }

    @Test
    void shouldRejectWholeAppendWhenOneBatchHasBadCrc() throws IOException {
        try (Log log = open()) {
            final ByteBuffer good = batch(T0, "a");
            final ByteBuffer bad = batch(T0, "b");
            bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x55));
            final ByteBuffer both = ByteBuffer.allocate(good.remaining() + bad.remaining());
            both.put(good).put(bad).flip();
            assertEquals(ErrorCode.CORRUPT_MESSAGE, log.tryAppendAsLeader(both, 0, result));
            assertEquals(0, log.logEndOffset());
        }
    }

    @Test
    void shouldReopenWithSameDataAfterCleanClose() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024))) {
            for (int i = 0; i < 10; i++) {
                log.tryAppendAsLeader(batch(T0, "v" + i), 0, result);
            }
        }
        final Path active = tmp.resolve("events-0").resolve("00000000000000000000.log");
        assertTrue(Files.size(active) < 1024, "trimmed on close");
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults(), LogOptions.defaults(), 10, 0, true)) {
            assertEquals(10, log.logEndOffset());
            assertEquals(10, readAll(log).size());
            log.tryAppendAsLeader(batch(T0, "more"), 0, result);
            assertEquals(10, result.firstOffset());
        }
    }

    @Test
    void shouldCutTornTailWhenRecovering() throws IOException {
        final Path dir = tmp.resolve("events-0");
        try (Log log = open()) {
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            log.tryAppendAsLeader(batch(T0, "b"), 0, result);
        }
        final Path file = dir.resolve("00000000000000000000.log");
        final long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3);
        }
        try (Log log = Log.open(dir, LogConfig.defaults())) {
            assertEquals(1, log.logEndOffset());
            assertEquals(List.of("a"), readAll(log));
        }
    }

    @Test
    void shouldTruncateToOffsetAcrossSegments() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024))) {
            for (int i = 0; i < 12; i++) {
                log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result);
            }
            log.truncateTo(5);
            assertEquals(5, log.logEndOffset());
            assertEquals(5, readAll(log).size());
            log.tryAppendAsLeader(batch(T0, "after"), 0, result);
            assertEquals(5, result.firstOffset());
        }
    }

    @Test
    void shouldStartEmptyAtOffsetWhenTruncatedFully() throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(batch(T0, "a", "b"), 0, result);
            log.truncateFullyAndStartAt(100);
            assertEquals(100, log.logStartOffset());
            assertEquals(100, log.logEndOffset());
            log.tryAppendAsLeader(batch(T0, "c"), 0, result);
            assertEquals(100, result.firstOffset());
        }
    }

    @Test
    void shouldDeleteOldSegmentsWhenRetentionBytesExceeded() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024)
            .with(LogConfig.RETENTION_BYTES_CONFIG, 2048))) {
            for (int i = 0; i < 20; i++) {
                log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result);
            }
            assertTrue(log.deleteOldSegments() > 0);
            assertTrue(log.sizeInBytes() <= 2048 + 1024);
            assertEquals(log.segmentBaseOffsets()[0], log.logStartOffset());
        }
    }

    @Test
    void shouldDeleteSegmentsOlderThanRetentionMs() throws IOException {
        try (Log log = open(LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024)
            .with(LogConfig.RETENTION_MS_CONFIG, 10_000))) {
            for (int i = 0; i < 10; i++) {
                log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result);
            }
            time.advance(20_000);
            log.deleteOldSegments();
            assertEquals(10, log.logStartOffset());
            assertEquals(10, log.logEndOffset());
        }
    }

    @Test
    void shouldAdvanceLogStartWhenDeletingRecords() throws IOException {
        try (Log log = open(); ReadResult read = new ReadResult()) {
            log.tryAppendAsLeader(batch(T0, "a", "b", "c"), 0, result);
            assertEquals(ErrorCode.NONE, log.deleteRecordsBefore(2));
            assertEquals(2, log.logStartOffset());
            assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.read(1, 100, Long.MAX_VALUE, true, read));
            assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, log.deleteRecordsBefore(4));
        }
    }

    @Test
    void shouldFindOffsetsForTimestamps() throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            log.tryAppendAsLeader(batch(T0 + 100, "b"), 0, result);
            log.tryAppendAsLeader(batch(T0 + 50, "c"), 0, result);
            final OffsetAndTimestamp found = new OffsetAndTimestamp();
            log.offsetForTimestamp(T0 + 1, found);
            assertEquals(1, found.offset());
            assertEquals(T0 + 100, found.timestampMs());
            log.offsetForTimestamp(Log.MAX_TIMESTAMP, found);
            assertEquals(1, found.offset());
            log.offsetForTimestamp(Log.EARLIEST_TIMESTAMP, found);
            assertEquals(0, found.offset());
            log.offsetForTimestamp(Log.LATEST_TIMESTAMP, found);
            assertEquals(3, found.offset());
            log.offsetForTimestamp(T0 + 1000, found);
            assertEquals(-1, found.offset());
        }
    }

    /** One batch whose records have the given timestamps, values "v0", "v1", ... */
    private static ByteBuffer timed(final long... timestamps) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            for (int i = 0; i < timestamps.length; i++) {
                builder.append(timestamps[i], null, ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return builder.build();
        }
    }

    @Test
    void shouldSkipRecordsBelowTheLogStartWhenTheyAloneMatchATimestampSearch() throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(timed(T0 + 100, T0 + 1, T0 + 2), 0, result);
            log.tryAppendAsLeader(timed(T0 + 150, T0 + 3), 0, result);
            assertEquals(ErrorCode.NONE, log.deleteRecordsBefore(1));

            final OffsetAndTimestamp found = new OffsetAndTimestamp();
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(T0 + 50, found));

            assertEquals(3, found.offset(), "offset 0 matches but lies below the log start; 1 and 2 are too early");
            assertEquals(T0 + 150, found.timestampMs());
        }
    }

    @Test
    void shouldAnswerMaxTimestampFromRecordsAtOrAboveTheLogStartWhenALargerOneLiesInTheSameBatchBelowIt()
        throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(timed(T0 + 100, T0 + 1, T0 + 20), 0, result);
            log.tryAppendAsLeader(timed(T0 + 5, T0 + 7), 0, result);
            assertEquals(ErrorCode.NONE, log.deleteRecordsBefore(1));

            final OffsetAndTimestamp found = new OffsetAndTimestamp();
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.MAX_TIMESTAMP, found));

            assertEquals(2, found.offset());
            assertEquals(T0 + 20, found.timestampMs());
        }
    }

    @Test
    void shouldAnswerMaxTimestampFromRecordsAtOrAboveTheLogStartWhenALargerOneLiesInAnEarlierBatch()
        throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(timed(T0 + 100, T0 + 1), 0, result);
            log.tryAppendAsLeader(timed(T0 + 20, T0 + 5), 0, result);
            assertEquals(ErrorCode.NONE, log.deleteRecordsBefore(2));
            assertEquals(1, log.segmentCount(), "the batch below the log start is still in the active segment");

            final OffsetAndTimestamp found = new OffsetAndTimestamp();
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.MAX_TIMESTAMP, found));

            assertEquals(2, found.offset());
            assertEquals(T0 + 20, found.timestampMs());
        }
    }

    @Test
    void shouldAcknowledgeDuplicateWithOriginalOffsetsWhenProducerRetries() throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 0, "a", "b"), 0, result);
            log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 2, "c"), 0, result);
            assertEquals(ErrorCode.NONE,
                log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 0, "a", "b"), 0, result));
            assertTrue(result.isDuplicate());
            assertEquals(0, result.firstOffset());
            assertEquals(1, result.lastOffset());
            assertEquals(3, log.logEndOffset());
            assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
                log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 9, "x"), 0, result));
        }
    }

    @Test
    void shouldKeepProducerStateAcrossReopen() throws IOException {
        try (Log log = open()) {
            log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 0, "a"), 0, result);
        }
        try (Log log = open()) {
            log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 0, "a"), 0, result);
            assertTrue(result.isDuplicate());
            assertEquals(ErrorCode.NONE,
                log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 0, 1, "b"), 0, result));
            assertEquals(1, result.firstOffset());
        }
    }

    @Test
    void shouldFailWithStorageErrorAndStayUsableWhenDiskIsFullAtRoll() throws IOException {
        final FailingFileAllocator allocator = new FailingFileAllocator(keel.index.FileAllocator.SYSTEM);
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG,
            1024), LogOptions.defaults().time(time).allocator(allocator), 0, 0, false)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result));
            }
            allocator.failing(true);
            assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result));
            assertTrue(result.errorMessage().contains("No space left on device"), result.errorMessage());
            assertEquals(3, readAll(log).size());
            assertEquals(1, log.segmentCount());
            allocator.failing(false);
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result));
            assertEquals(3, result.firstOffset());
            assertEquals(4, readAll(log).size());
        }
    }

    /** Options whose background work runs inline, so that no background thread holds a file when a test looks. */
    private LogOptions inline() {
        return LogOptions.defaults().time(time).background(Runnable::run).pretouchExecutor(Runnable::run);
    }

    @Test
    void shouldReleaseEveryMappingWhenClosingALogThatWasReopened() throws IOException {
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults(), inline(), 0, 0, false)) {
            log.tryAppendAsLeader(batch(T0, "a", "b"), 0, result);
        }
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults(), inline(), 2, 0, true)) {
            assertEquals(2, log.logEndOffset());
        }

        assertEquals(List.of(), OpenFiles.under(tmp.resolve("events-0")));
    }

    @Test
    void shouldReleaseEveryMappingWhenClosingAfterTruncatingIntoAnEarlierSegment() throws IOException {
        final LogConfig config = LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024);
        try (Log log = Log.open(tmp.resolve("events-0"), config, inline(), 0, 0, false)) {
            for (int i = 0; i < 8; i++) {
                log.tryAppendAsLeader(TestBatches.sized(200, T0), 0, result);
            }
            assertTrue(log.segmentCount() > 2);
            log.truncateTo(2);
            assertEquals(1, log.segmentCount());
        }

        assertEquals(List.of(), OpenFiles.under(tmp.resolve("events-0")));
    }

    @Test
    void shouldThrowKeelStorageExceptionNamingTheDirectoryWhenTheConvenienceAppendFindsTheDiskFull()
        throws IOException {
        final FailingFileAllocator allocator = new FailingFileAllocator(keel.index.FileAllocator.SYSTEM);
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG,
            1024), LogOptions.defaults().time(time).allocator(allocator), 0, 0, false)) {
            for (int i = 0; i < 3; i++) {
                log.append(TestBatches.sized(200, T0));
            }
            allocator.failing(true);

            final KeelStorageException failure = org.junit.jupiter.api.Assertions.assertThrows(
                KeelStorageException.class, () -> log.append(TestBatches.sized(200, T0)));

            assertEquals(tmp.resolve("events-0"), failure.dir());
            assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
            assertEquals(3, log.logEndOffset());
        }
    }

    @Test
    @Timeout(10)
    void shouldWakeTailingReaderWhenRecordsArrive() throws Exception {
        try (Log log = open()) {
            final CountDownLatch waiting = new CountDownLatch(1);
            final AtomicBoolean woke = new AtomicBoolean();
            final Thread reader = new Thread(() -> {
                waiting.countDown();
                try {
                    woke.set(log.awaitLogEnd(0, 10_000));
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            reader.start();
            waiting.await();
            log.tryAppendAsLeader(batch(T0, "a"), 0, result);
            reader.join();
            assertTrue(woke.get());
        }
    }

    @Test
    void shouldTimeOutTailWhenNoRecordsArrive() throws Exception {
        try (Log log = open()) {
            assertFalse(log.awaitLogEnd(0, 20));
        }
    }

    @Test
    void shouldKeepEveryByteWhenPretouchRunsAheadOfTheWriter() throws IOException {
        final LogOptions options = LogOptions.defaults().time(time).pretouchBytes(64 * 1024)
            .pretouchExecutor(Runnable::run);
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG,
            1024 * 1024), options, 0, 0, false)) {
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                log.tryAppendAsLeader(batch(T0, "value-" + i), 0, result);
                expected.add("value-" + i);
            }
            assertEquals(expected, readAll(log));
        }
    }

    @Test
    void shouldStopPretouchingWhenTheWriterOutrunsThePretoucher() throws IOException {
        final List<Runnable> pending = new ArrayList<>();
        final LogOptions options = LogOptions.defaults().time(time).pretouchBytes(64 * 1024)
            .pretouchExecutor(pending::add);
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG,
            8 * 1024 * 1024), options, 0, 0, false)) {
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.sized(16_000, T0), 0, result));
            assertEquals(1, pending.size(), "the first append asks for a pre-touch");
            pending.remove(0).run();
            // more than a pre-touch chunk (1 MiB) past the touched pages while the pre-toucher does not run
            for (int i = 0; i < 80; i++) {
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.sized(16_000, T0), 0, result));
            }
            while (!pending.isEmpty()) {
                pending.remove(0).run();
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.sized(16_000, T0), 0, result));
            }
            assertEquals(0, pending.size(), "pre-touch requests after the writer overtook the pre-toucher");
        }
    }

    @Test
    void shouldReopenLogHoldingTransactionMarkerWhenRebuildingProducerState() throws IOException {
        try (Log log = open()) {
            final ByteBuffer data = TestBatches.idempotent(T0, 43, (short) 0, 0, "a");
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(data, 0, result));
            try (RecordBatchBuilder marker = new RecordBatchBuilder(Compression.NONE)) {
                marker.baseOffset(1).producerId(43).producerEpoch((short) 0).transactional(true).control(true);
                marker.append(T0, new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0, 0, 0});
                assertEquals(ErrorCode.NONE, log.tryAppendAsFollower(marker.build(), result), result.toString());
            }
        }
        try (Log log = Log.open(tmp.resolve("events-0"), LogConfig.defaults(), LogOptions.defaults().time(time), 0,
            0, false)) {
            assertEquals(2, log.logEndOffset());
            assertEquals(0, log.producerEpoch(43));
        }
    }
}
