package keel.log;

import keel.index.FileAllocator;
import keel.index.testing.FailingFileAllocator;
import keel.index.testing.Tmpfs;
import keel.log.testing.Directories;
import keel.log.testing.ManualTime;
import keel.log.testing.OpenFiles;
import keel.log.testing.TestBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input and faults at the level of a partition log: crash images with corrupt, torn, garbage and zeroed
 * tails, damaged or missing index and snapshot files, a crash in the middle of a roll, invalid appends, and a
 * really full disk. Each must end in a typed error or a recovery that keeps every valid batch.
 */
class LogFaultTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int SEGMENT_BYTES = 16 * 1024;
    private static final LogConfig CONFIG = LogConfig.defaults().with(Map.of(
        LogConfig.SEGMENT_BYTES_CONFIG, Integer.toString(SEGMENT_BYTES),
        LogConfig.SEGMENT_INDEX_BYTES_CONFIG, "1024",
        LogConfig.INDEX_INTERVAL_BYTES_CONFIG, "256",
        LogConfig.SEGMENT_MS_CONFIG, Long.toString(Long.MAX_VALUE)));

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(T0);
    private final AppendResult result = new AppendResult();

    private Log open(final Path dir, final long recoveryPoint, final long logStart, final boolean clean)
        throws IOException {
        return Log.open(dir, CONFIG, LogOptions.defaults().time(time), recoveryPoint, logStart, clean);
    }

    private Path dir() {
        return tmp.resolve("events-0");
    }

    private static Path segmentFile(final Path dir, final long base, final String suffix) {
        return dir.resolve(String.format("%020d%s", base, suffix));
    }

    /**
     * Appends batches of 1 to 5 records of up to 400 bytes until the log has {@code segments} segments and the
     * active one holds at least 15 records.
     */
    private void fill(final Log log, final int segments, final Random random) {
        int i = 0;
        while (log.segmentCount() < segments
            || log.logEndOffset() - log.segmentBaseOffsets()[log.segmentCount() - 1] < 15) {
            final String[] values = new String[1 + random.nextInt(5)];
            for (int v = 0; v < values.length; v++) {
                values[v] = "r" + i + "-" + v + "-" + "x".repeat(random.nextInt(400));
            }
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0 + i, values), 0, result));
            i++;
        }
    }

    /** Batch start positions of a segment file, read up to the first batch header that is not plausible. */
    private static List<Integer> batchPositions(final Path file) throws IOException {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        final RecordBatchView view = new RecordBatchView();
        final List<Integer> positions = new ArrayList<>();
        int position = 0;
        while (position + RecordBatchFormat.RECORD_BATCH_OVERHEAD <= bytes.limit()) {
            view.wrap(bytes, position);
            if (view.validateStored(bytes.limit() - position) != ErrorCode.NONE) {
                break;
            }
            positions.add(position);
            position += view.sizeInBytes();
        }
        positions.add(position);
        return positions;
    }

    private static long baseOffsetAt(final Path file, final int position) throws IOException {
        final ByteBuffer header = ByteBuffer.allocate(RecordBatchFormat.BASE_OFFSET_LENGTH);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(header, position + RecordBatchFormat.BASE_OFFSET_OFFSET);
        }
        return header.getLong(0);
    }

    private static void write(final Path file, final long position, final byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static List<String> upTo(final List<String> records, final long endOffset) {
        final List<String> kept = new ArrayList<>();
        for (final String record : records) {
            final long offset = Long.parseLong(record.substring("offset=".length(), record.indexOf(' ')));
            if (offset < endOffset) {
                kept.add(record);
            }
        }
        return kept;
    }

    private static void assertEveryOffsetFound(final Log log) throws IOException {
        try (ReadResult read = new ReadResult()) {
            for (long offset = log.logStartOffset(); offset < log.logEndOffset(); offset++) {
                assertEquals(ErrorCode.NONE, log.read(offset, 1, Long.MAX_VALUE, true, read));
                final ByteBuffer batch = ByteBuffer.allocate(read.sizeInBytes());
                read.readFully(batch);
                final RecordBatchView view = new RecordBatchView().wrap(batch, 0);
                assertTrue(view.baseOffset() <= offset && offset <= view.lastOffset(), "read for offset " + offset
                    + " returned batch [" + view.baseOffset() + ", " + view.lastOffset() + "]");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Crash images
    // ---------------------------------------------------------------------------------------------------------

    /** A log of three segments, open, and a crash image of it; returns the records and the image. */
    private record Crashed(List<String> records, long logEnd, long activeBase, Path image) {
    }

    private Crashed crashWithThreeSegments(final long seed) throws IOException {
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 3, new Random(seed));
            final long[] bases = log.segmentBaseOffsets();
            final Path image = Directories.copyFiles(dir(), tmp.resolve("image").resolve("events-0"));
            return new Crashed(TestBatches.describeAll(log), log.logEndOffset(), bases[bases.length - 1], image);
        }
    }

    @Test
    void shouldLoseNothingWhenTheCrashImageEndsInPreallocatedZeroes() throws IOException {
        final Crashed crashed = crashWithThreeSegments(1);
        assertEquals(SEGMENT_BYTES, Files.size(segmentFile(crashed.image(), crashed.activeBase(), ".log")));

        try (Log log = open(crashed.image(), 0, 0, false)) {
            assertEquals(crashed.logEnd(), log.logEndOffset());
            assertEquals(crashed.records(), TestBatches.describeAll(log));
            assertEveryOffsetFound(log);
        }
    }

    @Test
    void shouldKeepEverythingBeforeACorruptBatchWhenRecoveringTheActiveSegment() throws IOException {
        final Crashed crashed = crashWithThreeSegments(2);
        final Path active = segmentFile(crashed.image(), crashed.activeBase(), ".log");
        final List<Integer> positions = batchPositions(active);
        final int bad = positions.size() / 2;
        final long badOffset = baseOffsetAt(active, positions.get(bad));
        // a flipped bit inside the CRC-covered part of the batch
        final int inside = positions.get(bad) + RecordBatchFormat.RECORD_BATCH_OVERHEAD + 3;
        write(active, inside, new byte[] {(byte) (Files.readAllBytes(active)[inside] ^ 0x10)});

        try (Log log = open(crashed.image(), crashed.activeBase(), 0, false)) {
            assertEquals(badOffset, log.logEndOffset());
            assertEquals(upTo(crashed.records(), badOffset), TestBatches.describeAll(log));
            assertEveryOffsetFound(log);
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(badOffset, result.firstOffset());
        }
    }

    @Test
    void shouldCutTheTornTailWhenTheLastBatchWasHalfWritten() throws IOException {
        final Crashed crashed = crashWithThreeSegments(3);
        final Path active = segmentFile(crashed.image(), crashed.activeBase(), ".log");
        final List<Integer> positions = batchPositions(active);
        final int last = positions.size() - 2;
        final long lastOffset = baseOffsetAt(active, positions.get(last));
        final int half = (positions.get(last + 1) - positions.get(last)) / 2;
        write(active, positions.get(last) + half, new byte[positions.get(last + 1) - positions.get(last) - half]);

        try (Log log = open(crashed.image(), crashed.activeBase(), 0, false)) {
            assertEquals(lastOffset, log.logEndOffset());
            assertEquals(upTo(crashed.records(), lastOffset), TestBatches.describeAll(log));
        }
        assertEquals((long) positions.get(last), Files.size(active), "the torn batch is cut from the file");
    }

    @Test
    void shouldDropGarbageAfterTheLastBatchWhenReopening() throws IOException {
        final Crashed crashed = crashWithThreeSegments(4);
        final Path active = segmentFile(crashed.image(), crashed.activeBase(), ".log");
        final List<Integer> positions = batchPositions(active);
        final int end = positions.get(positions.size() - 1);
        final byte[] garbage = new byte[777];
        new Random(4).nextBytes(garbage);
        garbage[0] = 0x7f;
        write(active, end, garbage);

        try (Log log = open(crashed.image(), crashed.activeBase(), 0, false)) {
            assertEquals(crashed.logEnd(), log.logEndOffset());
            assertEquals(crashed.records(), TestBatches.describeAll(log));
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(crashed.logEnd(), result.firstOffset());
            assertEquals("after", TestBatches.values(log.readBatches(crashed.logEnd(), 1)).get(0));
        }
    }

    @Test
    void shouldDeleteTheLaterSegmentsWhenRecoveryCutsAnEarlierOne() throws IOException {
        final Crashed crashed = crashWithThreeSegments(5);
        final Path first = segmentFile(crashed.image(), 0, ".log");
        final List<Integer> positions = batchPositions(first);
        final int bad = positions.size() / 2;
        final long badOffset = baseOffsetAt(first, positions.get(bad));
        write(first, positions.get(bad) + RecordBatchFormat.CRC_OFFSET, new byte[] {1, 2, 3, 4});

        try (Log log = open(crashed.image(), 0, 0, false)) {
            assertEquals(badOffset, log.logEndOffset());
            assertEquals(1, log.segmentCount());
            assertEquals(upTo(crashed.records(), badOffset), TestBatches.describeAll(log));
        }
        assertEquals(List.of(first), Directories.filesEndingWith(crashed.image(), ".log"));
    }

    @Test
    void shouldRecoverWhenTheCrashCameBetweenCreatingTheNewSegmentAndFinishingTheOld() throws IOException {
        final Crashed crashed = crashWithThreeSegments(6);
        // what roll step 2 leaves: the next segment created and preallocated, the old one not yet trimmed
        final Path next = segmentFile(crashed.image(), crashed.logEnd(), ".log");
        try (FileChannel channel = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(SEGMENT_BYTES));
        }
        Files.write(segmentFile(crashed.image(), crashed.logEnd(), ".index"), new byte[1024]);
        Files.write(segmentFile(crashed.image(), crashed.logEnd(), ".timeindex"), new byte[1020]);

        try (Log log = open(crashed.image(), crashed.activeBase(), 0, false)) {
            assertEquals(crashed.logEnd(), log.logEndOffset());
            assertEquals(crashed.records(), TestBatches.describeAll(log));
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(crashed.logEnd(), result.firstOffset());
            assertEquals(crashed.logEnd(), log.segmentBaseOffsets()[log.segmentCount() - 1]);
        }
        final List<Integer> positions = batchPositions(segmentFile(crashed.image(), crashed.activeBase(), ".log"));
        assertEquals((long) positions.get(positions.size() - 1),
            Files.size(segmentFile(crashed.image(), crashed.activeBase(), ".log")), "the old segment is trimmed");
    }

    @Test
    void shouldRemoveIndexFilesThatACrashedRollLeftWithoutALogFile() throws IOException {
        final long end;
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 2, new Random(7));
            end = log.logEndOffset();
        }
        Files.createFile(segmentFile(dir(), end, ".index"));
        Files.createFile(segmentFile(dir(), end, ".timeindex"));

        try (Log log = open(dir(), end, 0, true)) {
            assertFalse(Files.exists(segmentFile(dir(), end, ".index")));
            assertFalse(Files.exists(segmentFile(dir(), end, ".timeindex")));
            log.roll();
            assertEquals(end, log.segmentBaseOffsets()[log.segmentCount() - 1]);
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(end, result.firstOffset());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Index and snapshot files
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {".index", ".timeindex"})
    void shouldRebuildACorruptIndexWhenOpeningAfterACleanShutdown(final String suffix) throws IOException {
        final List<String> records;
        final long end;
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 3, new Random(8));
            records = TestBatches.describeAll(log);
            end = log.logEndOffset();
        }
        final Path index = segmentFile(dir(), 0, suffix);
        final byte[] original = Files.readAllBytes(index);
        assertTrue(original.length >= 24, "the index has entries to damage");
        final byte[] garbage = new byte[original.length];
        new Random(8).nextBytes(garbage);
        Files.write(index, garbage);

        try (Log log = open(dir(), end, 0, true)) {
            assertEquals(records, TestBatches.describeAll(log));
            assertEveryOffsetFound(log);
        }
        assertArrayEquals(original, Files.readAllBytes(index), suffix + " is rebuilt as it was");
    }

    @Test
    void shouldReadEveryOffsetWhenAnIndexEntryPointsInsideABatchButPassesTheSanityCheck() throws IOException {
        final List<String> records;
        final long end;
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 3, new Random(14));
            records = TestBatches.describeAll(log);
            end = log.logEndOffset();
        }
        final Path index = segmentFile(dir(), 0, ".index");
        final ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(index));
        final int entry = entries.limit() / 8 / 2;
        assertTrue(entry > 0 && entries.getInt(entry * 8 + 12) - entries.getInt(entry * 8 + 4) > 7,
            "a middle entry with room to move inside its batch");
        // still increasing and inside the file, so the sanity check on open passes; but no batch starts there
        write(index, entry * 8 + 4, ByteBuffer.allocate(4).putInt(0, entries.getInt(entry * 8 + 4) + 7).array());

        try (Log log = open(dir(), end, 0, true)) {
            assertEveryOffsetFound(log);
            assertEquals(records, TestBatches.describeAll(log));
        }
    }

    @Test
    void shouldFindTheFirstRecordAtATimestampWhenATimeIndexEntryPointsPastItButPassesTheSanityCheck()
        throws IOException {
        final List<String> records;
        final long end;
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 3, new Random(15));
            records = TestBatches.describeAll(log);
            end = log.logEndOffset();
        }
        final Path index = segmentFile(dir(), 0, ".timeindex");
        final ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(index));
        int entry = 1;
        while (entries.getInt(entry * 12 + 20) - entries.getInt(entry * 12 + 8) < 2) {
            entry++;
        }
        final long timestamp = entries.getLong(entry * 12);
        // the offset moves into the next batch, still below the next entry's: in order, so the open accepts it
        write(index, entry * 12 + 8, ByteBuffer.allocate(4).putInt(0, entries.getInt(entry * 12 + 8) + 1).array());
        String expected = null;
        for (final String record : records) {
            if (expected == null && Long.parseLong(record.substring(record.indexOf("ts=") + 3,
                record.indexOf(" key="))) >= timestamp) {
                expected = record.substring("offset=".length(), record.indexOf(' '));
            }
        }

        try (Log log = open(dir(), end, 0, true)) {
            final OffsetAndTimestamp found = new OffsetAndTimestamp();
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(timestamp, found));
            assertEquals(expected, Long.toString(found.offset()));
            assertEquals(timestamp, found.timestampMs());
        }
    }

    @Test
    void shouldRebuildMissingIndexFilesWhenOpening() throws IOException {
        final List<String> records;
        final long end;
        final long[] bases;
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 3, new Random(9));
            records = TestBatches.describeAll(log);
            end = log.logEndOffset();
            bases = log.segmentBaseOffsets();
        }
        final List<byte[]> originals = new ArrayList<>();
        for (final long base : bases) {
            for (final String suffix : new String[] {".index", ".timeindex"}) {
                originals.add(Files.readAllBytes(segmentFile(dir(), base, suffix)));
                Files.delete(segmentFile(dir(), base, suffix));
            }
        }

        try (Log log = open(dir(), end, 0, true)) {
            assertEquals(records, TestBatches.describeAll(log));
            assertEveryOffsetFound(log);
        }
        int i = 0;
        for (final long base : bases) {
            for (final String suffix : new String[] {".index", ".timeindex"}) {
                assertArrayEquals(originals.get(i++), Files.readAllBytes(segmentFile(dir(), base, suffix)),
                    base + suffix + " is rebuilt as it was");
            }
        }
    }

    @Test
    void shouldRebuildProducerStateFromTheLogWhenItsSnapshotIsCorrupt() throws IOException {
        try (Log log = open(dir(), 0, 0, false)) {
            for (int seq = 0; seq < 10; seq += 2) {
                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 1, seq,
                    "a" + seq, "b" + seq), 0, result));
            }
        }
        final List<Path> snapshots = Directories.filesEndingWith(dir(), ".snapshot");
        assertFalse(snapshots.isEmpty(), "a clean close writes a producer snapshot");
        for (final Path snapshot : snapshots) {
            Files.write(snapshot, "not a snapshot at all".getBytes(StandardCharsets.UTF_8));
        }

        try (Log log = open(dir(), 10, 0, true)) {
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 1, 8, "a8",
                "b8"), 0, result));
            assertTrue(result.isDuplicate(), "the retried last batch is recognised: " + result);
            assertEquals(8, result.firstOffset());
            assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, log.tryAppendAsLeader(TestBatches.idempotent(T0, 7,
                (short) 1, 11, "gap"), 0, result));
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.idempotent(T0, 7, (short) 1, 10, "next"),
                0, result));
            assertEquals(10, result.firstOffset());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Invalid appends
    // ---------------------------------------------------------------------------------------------------------

    private static ByteBuffer followerBatch(final long baseOffset, final String... values) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.baseOffset(baseOffset);
            for (final String value : values) {
                builder.append(T0, null, value.getBytes(StandardCharsets.UTF_8));
            }
            return builder.build();
        }
    }

    @Test
    void shouldRejectAFollowerAppendWhoseOffsetsGoBackwardsAndWriteNothing() throws IOException {
        try (Log log = open(dir(), 0, 0, false)) {
            assertEquals(ErrorCode.NONE, log.tryAppendAsFollower(followerBatch(0, "a", "b", "c"), result));
            final long size = log.sizeInBytes();

            assertEquals(ErrorCode.INVALID_RECORD, log.tryAppendAsFollower(followerBatch(1, "x"), result));
            assertEquals("Out of order offsets in an append to " + dir() + ": batch base offset 1 is below the "
                + "expected 3", result.errorMessage());

            final ByteBuffer two = ByteBuffer.allocate(200);
            two.put(followerBatch(3, "d", "e")).put(followerBatch(4, "f")).flip();
            assertEquals(ErrorCode.INVALID_RECORD, log.tryAppendAsFollower(two, result));
            assertEquals("Out of order offsets in an append to " + dir() + ": batch base offset 4 is below the "
                + "expected 5", result.errorMessage());

            assertEquals(3, log.logEndOffset());
            assertEquals(size, log.sizeInBytes());
            assertEquals(List.of("a", "b", "c"), TestBatches.values(log.readBatches(0, 1 << 20)));
        }
    }

    @Test
    void shouldRejectABatchLargerThanMaxMessageBytesAndWriteNothing() throws IOException {
        try (Log log = Log.open(dir(), CONFIG.with(LogConfig.MAX_MESSAGE_BYTES_CONFIG, 500),
            LogOptions.defaults().time(time), 0, 0, false)) {
            final ByteBuffer batch = TestBatches.sized(600, T0);
            final int size = batch.remaining();
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, log.tryAppendAsLeader(batch, 0, result));
            assertEquals("Batch of " + size + " bytes is larger than max.message.bytes=500 in an append to " + dir(),
                result.errorMessage());
            assertEquals(0, log.logEndOffset());
            assertEquals(0, log.sizeInBytes());
        }
    }

    @Test
    void shouldRejectAnAppendLargerThanSegmentBytesAndWriteNothing() throws IOException {
        try (Log log = open(dir(), 0, 0, false)) {
            final ByteBuffer one = TestBatches.sized(6000, T0);
            final ByteBuffer three = ByteBuffer.allocate(one.remaining() * 3);
            for (int i = 0; i < 3; i++) {
                three.put(one.duplicate());
            }
            three.flip();
            assertEquals(ErrorCode.RECORD_LIST_TOO_LARGE, log.tryAppendAsLeader(three, 0, result));
            assertEquals("Append of " + three.remaining() + " bytes to " + dir() + " is larger than segment.bytes="
                + SEGMENT_BYTES, result.errorMessage());
            assertEquals(0, log.logEndOffset());
            assertEquals(0, log.sizeInBytes());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Truncation onto an existing segment's base offset
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldStartEmptyWhenTruncatedFullyAtTheBaseOffsetOfAnExistingSegment() throws IOException {
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 2, new Random(10));
            final long secondBase = log.segmentBaseOffsets()[1];

            log.truncateFullyAndStartAt(secondBase);

            assertEquals(secondBase, log.logStartOffset());
            assertEquals(secondBase, log.logEndOffset());
            assertEquals(1, log.segmentCount());
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(secondBase, result.firstOffset());
            assertEquals(List.of("after"), readValues(log));
        }
    }

    @Test
    void shouldStartEmptyWhenTruncatedToTheLogStartOffset() throws IOException {
        try (Log log = open(dir(), 0, 0, false)) {
            fill(log, 2, new Random(11));

            log.truncateTo(0);

            assertEquals(0, log.logStartOffset());
            assertEquals(0, log.logEndOffset());
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
            assertEquals(0, result.firstOffset());
            assertEquals(List.of("after"), readValues(log));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Opening on a full disk
    // ---------------------------------------------------------------------------------------------------------

    private Log openWithAllocator(final FileAllocator allocator) throws IOException {
        return Log.open(dir(), CONFIG, LogOptions.defaults().time(time).allocator(allocator), 0, 0, false);
    }

    /** A log whose rolls flush inline, so that no background flush holds a file open when the test looks. */
    private Log openFlushingInline() throws IOException {
        return Log.open(dir(), CONFIG, LogOptions.defaults().time(time).background(Runnable::run), 0, 0, false);
    }

    @Test
    void shouldReleaseEveryFileWhenOpeningFailsOnAFullDisk() throws IOException {
        try (Log log = openFlushingInline()) {
            fill(log, 3, new Random(12));
        }
        final FailingFileAllocator full = new FailingFileAllocator(FileAllocator.SYSTEM).failing(true);

        final IOException failure = assertThrows(IOException.class, () -> openWithAllocator(full).close());

        assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
        assertEquals(List.of(), OpenFiles.under(dir()), "a failed open keeps no file open or mapped");
    }

    @Test
    void shouldOpenWithEveryRecordWhenSpaceReturnsAfterAFailedOpen() throws IOException {
        final List<String> records;
        try (Log log = openFlushingInline()) {
            fill(log, 3, new Random(13));
            records = TestBatches.describeAll(log);
        }
        final FailingFileAllocator allocator = new FailingFileAllocator(FileAllocator.SYSTEM).failing(true);
        assertThrows(IOException.class, () -> openWithAllocator(allocator).close());

        allocator.failing(false);
        try (Log log = openWithAllocator(allocator)) {
            assertEquals(records, TestBatches.describeAll(log));
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "after"), 0, result));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // A really full disk
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Timeout(60)
    void shouldFailWithStorageErrorAndAcceptAppendsAgainWhenARealDiskFillsAndSpaceReturns() throws IOException {
        final Path mount = Files.createDirectories(tmp.resolve("tmpfs"));
        try (Tmpfs tmpfs = Tmpfs.mountOrSkip(mount, 8L << 20)) {
            final LogConfig config = LogConfig.defaults().with(Map.of(
                LogConfig.SEGMENT_BYTES_CONFIG, Integer.toString(1 << 20),
                LogConfig.SEGMENT_INDEX_BYTES_CONFIG, Integer.toString(64 << 10),
                LogConfig.SEGMENT_MS_CONFIG, Long.toString(Long.MAX_VALUE)));
            final List<String> appended = new ArrayList<>();
            try (LogManager manager = LogManager.open(tmpfs.dir().resolve("data"), config,
                LogManagerOptions.defaults().logOptions(LogOptions.defaults().time(time)))) {
                final Log log = manager.getOrCreate("full", 0, config);
                final byte[] payload = new byte[50_000];
                int code = ErrorCode.NONE;
                long freeBeforeAppend = 0;
                for (int i = 0; i < 1000 && code == ErrorCode.NONE; i++) {
                    final String value = "v" + i + new String(payload, StandardCharsets.ISO_8859_1);
                    freeBeforeAppend = Files.getFileStore(tmpfs.dir()).getUsableSpace();
                    code = log.tryAppendAsLeader(TestBatches.batch(T0, value), 0, result);
                    if (code == ErrorCode.NONE) {
                        appended.add(value);
                    }
                }
                assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, code, "an 8 MiB disk must fill up");
                assertTrue(result.errorMessage().contains("No space left on device"), result.errorMessage());
                assertTrue(log.segmentCount() >= 4, "segments " + log.segmentCount());
                assertTrue(Files.getFileStore(tmpfs.dir()).getUsableSpace() > freeBeforeAppend - (64 << 10),
                    "the failed roll gives back the blocks of the segment it could not finish");
                assertEquals(appended, readValues(log));
                assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, log.tryAppendAsLeader(TestBatches.batch(T0,
                    "v" + new String(payload, StandardCharsets.ISO_8859_1)), 0, result),
                    "appends that need a new segment keep failing while the disk is full");

                final long freeBefore = Files.getFileStore(tmpfs.dir()).getUsableSpace();
                final int segments = log.segmentCount();
                final long newStart = log.segmentBaseOffsets()[2];
                assertEquals(ErrorCode.NONE, log.deleteRecordsBefore(newStart));
                log.deleteOldSegments();
                assertEquals(segments - 2, log.segmentCount());
                assertTrue(Files.getFileStore(tmpfs.dir()).getUsableSpace() > freeBefore + (1L << 20),
                    "deleting two segments frees their blocks");

                assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "again"), 0, result),
                    result.toString());
                assertEquals(appended.size(), result.firstOffset());
                final List<String> expected = new ArrayList<>(appended.subList((int) newStart, appended.size()));
                expected.add("again");
                assertEquals(expected, readValues(log));
            }
        }
    }

    private static List<String> readValues(final Log log) throws IOException {
        final List<String> values = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            final ByteBuffer batches = log.readBatches(offset, 1 << 20);
            final List<Long> offsets = TestBatches.offsets(batches.duplicate());
            final List<String> batchValues = TestBatches.values(batches);
            for (int i = 0; i < offsets.size(); i++) {
                if (offsets.get(i) >= offset) {
                    values.add(batchValues.get(i));
                }
            }
            offset = offsets.get(offsets.size() - 1) + 1;
        }
        return values;
    }
}
