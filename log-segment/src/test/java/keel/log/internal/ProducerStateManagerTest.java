package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import keel.log.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerStateManagerTest {
    private static final long EXPIRATION_MS = 60_000L;
    private static final long PID = 42L;
    private static final short EPOCH = 3;
    /** Batch timestamps are client clocks, here well behind the broker's: see {@link #timestampOf}. */
    private static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private long nowMs = START_MS + 1_000_000L;
    private long logEndOffset;
    private final List<Throwable> errors = new ArrayList<>();
    private final ProducerStateResult out = new ProducerStateResult();
    private ProducerStateManager state;

    @BeforeEach
    void setUp() throws IOException {
        state = open();
    }

    @AfterEach
    void tearDown() {
        state.close();
    }

    private ProducerStateManager open() throws IOException {
        return ProducerStateManager.open(dir, EXPIRATION_MS, () -> nowMs, errors::add);
    }

    /** Checks, expects acceptance, then records the batch at the log end, as the Log's leader path does. */
    private long append(final long producerId, final short epoch, final int firstSeq, final int records) {
        final int lastSeq = ProducerStateManager.incrementSequence(firstSeq, records - 1);
        assertEquals(ErrorCode.NONE, state.check(producerId, epoch, firstSeq, lastSeq, out),
            "check of seq " + firstSeq + ".." + lastSeq);
        final long firstOffset = logEndOffset;
        record(producerId, epoch, firstSeq, records);
        return firstOffset;
    }

    private void record(final long producerId, final short epoch, final int firstSeq, final int records) {
        final int lastSeq = ProducerStateManager.incrementSequence(firstSeq, records - 1);
        final long firstOffset = logEndOffset;
        final long lastOffset = firstOffset + records - 1;
        state.update(producerId, epoch, firstSeq, lastSeq, firstOffset, lastOffset, timestampOf(lastOffset), nowMs);
        logEndOffset = lastOffset + 1;
    }

    private static long timestampOf(final long offset) {
        return START_MS + offset;
    }

    private int check(final short epoch, final int firstSeq, final int lastSeq) {
        return state.check(PID, epoch, firstSeq, lastSeq, out);
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void shouldAcceptFirstBatchWhenProducerIsNew() {
        assertEquals(ErrorCode.NONE, check(EPOCH, 0, 4));
    }

    @Test
    void shouldAcceptBatchesWhenInSequence() {
        append(PID, EPOCH, 0, 5);
        append(PID, EPOCH, 5, 1);

        assertEquals(ErrorCode.NONE, check(EPOCH, 6, 8));
    }

    @Test
    void shouldRejectBatchAsOutOfOrderWhenSequenceHasGap() {
        append(PID, EPOCH, 0, 5);

        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, check(EPOCH, 6, 6));
    }

    @ParameterizedTest(name = "batch {0} of the last 5")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void shouldReportDuplicateWithOriginalOffsetsWhenBatchIsOneOfLastFive(final int index) {
        append(PID, EPOCH, 0, 2);
        append(PID, EPOCH, 2, 2);
        final long[] firstOffsets = new long[5];
        for (int i = 0; i < 5; i++) {
            firstOffsets[i] = append(PID, EPOCH, 4 + 3 * i, 3);
        }
        final int firstSeq = 4 + 3 * index;

        assertEquals(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, check(EPOCH, firstSeq, firstSeq + 2));
        assertEquals(firstOffsets[index], out.firstOffset());
        assertEquals(firstOffsets[index] + 2, out.lastOffset());
        assertEquals(timestampOf(firstOffsets[index] + 2), out.timestampMs());
        assertEquals(firstSeq, out.firstSequence());
        assertEquals(firstSeq + 2, out.lastSequence());
        assertEquals(EPOCH, out.producerEpoch());
    }

    @Test
    void shouldRejectBatchAsOutOfOrderWhenOlderThanLastFive() {
        for (int i = 0; i < 6; i++) {
            append(PID, EPOCH, i, 1);
        }

        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, check(EPOCH, 0, 0));
    }

    @Test
    void shouldRejectBatchAsOutOfOrderWhenOnlyFirstSequenceMatchesRetainedBatch() {
        append(PID, EPOCH, 0, 3);

        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, check(EPOCH, 0, 1));
    }

    @Test
    void shouldRejectBatchWhenEpochIsOlder() {
        append(PID, EPOCH, 0, 1);

        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, check((short) (EPOCH - 1), 1, 1));
    }

    @Test
    void shouldRejectBatchWithOlderEpochWhenItRepeatsRetainedSequences() {
        append(PID, EPOCH, 0, 1);

        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, check((short) (EPOCH - 1), 0, 0));
    }

    @Test
    void shouldAcceptNewEpochWhenSequenceIsZero() {
        append(PID, EPOCH, 0, 10);

        assertEquals(ErrorCode.NONE, check((short) (EPOCH + 1), 0, 3));
    }

    @Test
    void shouldRejectNewEpochWhenSequenceIsNotZero() {
        append(PID, EPOCH, 0, 10);

        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, check((short) (EPOCH + 1), 10, 10));
    }

    @Test
    void shouldForgetOldEpochBatchesWhenNewEpochIsRecorded() {
        append(PID, EPOCH, 0, 1);
        append(PID, (short) (EPOCH + 1), 0, 1);

        assertEquals(1, state.batchCount(PID));
        assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, check(EPOCH, 0, 0));
    }

    @Test
    void shouldAcceptZeroAfterMaxSequenceWhenSequenceWraps() {
        append(PID, EPOCH, Integer.MAX_VALUE - 1, 2);

        assertEquals(ErrorCode.NONE, check(EPOCH, 0, 0));
    }

    @Test
    void shouldAcceptBatchSpanningWrapWhenInSequence() {
        append(PID, EPOCH, Integer.MAX_VALUE - 1, 4);

        assertEquals(1, state.lastSequence(PID));
        assertEquals(ErrorCode.NONE, check(EPOCH, 2, 2));
    }

    @Test
    void shouldDetectDuplicateWhenBatchSpansWrap() {
        final long firstOffset = append(PID, EPOCH, Integer.MAX_VALUE - 1, 4);

        assertEquals(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, check(EPOCH, Integer.MAX_VALUE - 1, 1));
        assertEquals(firstOffset, out.firstOffset());
    }

    @Test
    void shouldAcceptAnySequenceWhenProducerIsUnknown() {
        assertEquals(ErrorCode.NONE, check(EPOCH, 12_345, 12_349));
    }

    @Test
    void shouldAcceptAnySequenceWhenProducerExpired() {
        append(PID, EPOCH, 0, 1);
        state.removeExpiredProducers(nowMs + EXPIRATION_MS);

        assertEquals(ErrorCode.NONE, check(EPOCH, 77, 77));
    }

    @Test
    void shouldAcceptAnyBatchWhenProducerIdIsNegative() {
        assertEquals(ErrorCode.NONE, state.check(-1L, (short) -1, -1, -1, out));
    }

    @Test
    void shouldIgnoreUpdateWhenProducerIdIsNegative() {
        state.update(-1L, (short) -1, -1, -1, 0, 0, 0, nowMs);

        assertEquals(0, state.activeProducers());
    }

    @Test
    void shouldRejectBatchAsInvalidRecordWhenSequenceIsNegative() {
        assertEquals(ErrorCode.INVALID_RECORD, check(EPOCH, -1, 3));
    }

    @Test
    void shouldThrowWhenUpdateSequencesDoNotMatchOffsets() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> state.update(PID, EPOCH, 0, 5, 10, 12, 0, nowMs));

        assertEquals("Impossible batch for producerId=42: firstSeq=0 lastSeq=5 firstOffset=10 lastOffset=12"
            + " (need sequences >= 0, 0 <= firstOffset <= lastOffset, lastSeq = firstSeq + lastOffset - firstOffset"
            + " wrapping at Integer.MAX_VALUE) dir=" + dir, ex.getMessage());
    }

    @Test
    void shouldTakeFollowerEpochWhenUpdateHasOlderEpoch() {
        record(PID, EPOCH, 0, 1);
        record(PID, (short) (EPOCH - 1), 9, 1);

        assertEquals(EPOCH - 1, state.producerEpoch(PID));
        assertEquals(1, state.batchCount(PID));
        assertEquals(9, state.lastSequence(PID));
    }

    @Test
    void shouldRetainOnlyLastFiveBatchesOldestFirst() {
        for (int i = 0; i < 7; i++) {
            append(PID, EPOCH, i, 1);
        }

        assertEquals(5, state.batchCount(PID));
        assertTrue(state.batch(PID, 0, out));
        assertEquals(2, out.firstSequence());
        assertTrue(state.lastBatch(PID, out));
        assertEquals(6, out.firstSequence());
        assertEquals(6L, out.lastOffset());
        assertFalse(state.batch(PID, 5, out));
    }

    @Test
    void shouldReportNoStateWhenProducerIsUnknown() {
        assertEquals(ProducerStateManager.NO_PRODUCER_EPOCH, state.producerEpoch(PID));
        assertEquals(ProducerStateManager.NO_SEQUENCE, state.lastSequence(PID));
        assertEquals(-1L, state.lastUpdateMs(PID));
        assertFalse(state.lastBatch(PID, out));
        assertFalse(state.contains(PID));
    }

    @Test
    void shouldRemoveProducerWhenIdleForExpiration() {
        append(PID, EPOCH, 0, 1);
        nowMs += EXPIRATION_MS;
        append(7L, EPOCH, 0, 1);

        state.removeExpiredProducers(nowMs);

        assertFalse(state.contains(PID));
        assertTrue(state.contains(7L));
        assertEquals(1, state.activeProducers());
    }

    @Test
    void shouldKeepProducerWhenIdleLessThanExpiration() {
        append(PID, EPOCH, 0, 1);

        state.removeExpiredProducers(nowMs + EXPIRATION_MS - 1);

        assertTrue(state.contains(PID));
    }

    @Test
    void shouldCountExpiryFromAppendTimeNotBatchTimestamp() {
        // The batch timestamps of this test are older than the expiration: only the append time keeps the producer.
        append(PID, EPOCH, 0, 1);

        state.removeExpiredProducers(nowMs + 1);

        assertEquals(nowMs, state.lastUpdateMs(PID));
        assertTrue(state.contains(PID));
    }

    @Test
    void shouldFailFastWhenExpirationIsNotPositive() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProducerStateManager.open(dir, 0, () -> nowMs));

        assertEquals("producer.id.expiration.ms=0 must be >= 1", ex.getMessage());
    }

    @Test
    void shouldThrowWhenDirectoryDoesNotExist() {
        final Path missing = dir.resolve("missing");

        final IOException ex = assertThrows(IOException.class,
            () -> ProducerStateManager.open(missing, EXPIRATION_MS, () -> nowMs));

        assertEquals("Partition directory does not exist: " + missing, ex.getMessage());
    }

    @Test
    void shouldNameSnapshotFileWithTwentyDigitOffset() throws IOException {
        append(PID, EPOCH, 0, 1);

        state.takeSnapshot(1234L);

        assertEquals(List.of("00000000000000001234.snapshot"), filesInDir());
        assertEquals(1234L, state.latestSnapshotOffset());
    }

    @Test
    void shouldLeaveNoTempFileWhenSnapshotIsWritten() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(logEndOffset);
        append(PID, EPOCH, 1, 1);

        state.takeSnapshot(logEndOffset);

        assertEquals(List.of("00000000000000000001.snapshot", "00000000000000000002.snapshot"), filesInDir());
    }

    @Test
    void shouldDeleteLeftoverTempFileWhenOpened() throws IOException {
        Files.write(dir.resolve("00000000000000000009.snapshot.tmp"), new byte[] {1, 2, 3});
        state.close();

        state = open();

        assertEquals(List.of(), filesInDir());
        assertEquals(-1L, state.latestSnapshotOffset());
    }

    @Test
    void shouldIgnoreFilesThatAreNotSnapshotsWhenOpened() throws IOException {
        Files.write(dir.resolve("00000000000000000000.log"), new byte[0]);
        Files.write(dir.resolve("12.snapshot"), new byte[0]);
        state.close();

        state = open();

        assertEquals(-1L, state.latestSnapshotOffset());
    }

    @Test
    void shouldRestoreStateWhenReloadedFromSnapshot() throws IOException {
        append(PID, EPOCH, 0, 2);
        append(PID, EPOCH, 2, 3);
        append(7L, (short) 0, Integer.MAX_VALUE, 2);
        state.takeSnapshot(logEndOffset);
        state.close();

        state = open();
        final long loaded = state.loadFromSnapshot(0, logEndOffset);

        assertEquals(logEndOffset, loaded);
        assertEquals(2, state.activeProducers());
        assertEquals(EPOCH, state.producerEpoch(PID));
        assertEquals(1, state.batchCount(PID));
        assertTrue(state.lastBatch(PID, out));
        assertEquals(2, out.firstSequence());
        assertEquals(4, out.lastSequence());
        assertEquals(2L, out.firstOffset());
        assertEquals(4L, out.lastOffset());
        assertEquals(nowMs, out.timestampMs(), "the append time, newer than the batch's own max timestamp");
        assertTrue(state.lastBatch(7L, out));
        assertEquals(Integer.MAX_VALUE, out.firstSequence());
        assertEquals(0, out.lastSequence());
        assertEquals(5L, out.firstOffset());
        assertEquals(6L, out.lastOffset());
        assertEquals(logEndOffset, state.mapEndOffset());
    }

    @Test
    void shouldCountExpiryFromLastAppendWhenReloaded() throws IOException {
        final long appendTimeMs = nowMs;
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(logEndOffset);
        nowMs += 5;

        state.loadFromSnapshot(0, logEndOffset);

        assertEquals(appendTimeMs, state.lastUpdateMs(PID));
    }

    @Test
    void shouldKeepBatchTimestampWhenReloadedAndNewerThanAppendTime() throws IOException {
        state.update(PID, EPOCH, 0, 0, 0, 0, nowMs + 500, nowMs);
        state.takeSnapshot(1L);

        state.loadFromSnapshot(0, 1L);

        assertTrue(state.lastBatch(PID, out));
        assertEquals(nowMs + 500, out.timestampMs());
        assertEquals(nowMs + 500, state.lastUpdateMs(PID));
    }

    @Test
    void shouldDetectDuplicateOfLastBatchWhenReloaded() throws IOException {
        append(PID, EPOCH, 0, 2);
        final long firstOffset = append(PID, EPOCH, 2, 3);
        state.takeSnapshot(logEndOffset);
        state.close();
        state = open();

        state.loadFromSnapshot(0, logEndOffset);

        assertEquals(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, check(EPOCH, 2, 4));
        assertEquals(firstOffset, out.firstOffset());
        assertEquals(firstOffset + 2, out.lastOffset());
    }

    @Test
    void shouldSkipExpiredProducersWhenLoading() throws IOException {
        append(PID, EPOCH, 0, 1);
        nowMs++;
        append(7L, EPOCH, 0, 1);
        state.takeSnapshot(logEndOffset);
        nowMs += EXPIRATION_MS - 1;

        state.loadFromSnapshot(0, logEndOffset);

        assertFalse(state.contains(PID));
        assertTrue(state.contains(7L));
    }

    @Test
    void shouldReturnLogStartWhenNoSnapshotExists() throws IOException {
        append(PID, EPOCH, 0, 1);

        assertEquals(5L, state.loadFromSnapshot(5L, 9L));
        assertEquals(0, state.activeProducers());
        assertEquals(5L, state.mapEndOffset());
    }

    @Test
    void shouldIgnoreSnapshotBelowLogStartWhenLoading() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(1L);

        assertEquals(2L, state.loadFromSnapshot(2L, 2L));
        assertEquals(0, state.activeProducers());
        assertEquals(1L, state.oldestSnapshotOffset());
    }

    @Test
    void shouldLoadSnapshotAtLogStartWhenLoading() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(1L);

        assertEquals(1L, state.loadFromSnapshot(1L, 1L));
        assertTrue(state.contains(PID));
    }

    @Test
    void shouldDeleteSnapshotsAboveUpToOffsetWhenLoading() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(1L);
        append(PID, EPOCH, 1, 1);
        state.takeSnapshot(2L);

        assertEquals(1L, state.loadFromSnapshot(0, 1L));
        assertEquals(List.of("00000000000000000001.snapshot"), filesInDir());
        assertEquals(0, state.lastSequence(PID));
    }

    @Test
    void shouldFallBackToOlderSnapshotWhenLatestHasFlippedByte() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(1L);
        append(PID, EPOCH, 1, 1);
        state.takeSnapshot(2L);
        final Path latest = dir.resolve("00000000000000000002.snapshot");
        flipByte(latest, ProducerStateSnapshotFormat.entryPosition(0) + ProducerStateSnapshotFormat.LAST_OFFSET_OFFSET
            + 7);
        state.close();
        state = open();

        final long loaded = state.loadFromSnapshot(0, 2L);

        assertEquals(1L, loaded);
        assertEquals(0, state.lastSequence(PID));
        assertEquals(1, errors.size());
        final ProducerStateSnapshotException ex = assertInstanceOf(ProducerStateSnapshotException.class,
            errors.get(0));
        assertEquals(latest, ex.file());
        assertTrue(ex.getMessage().startsWith("Producer snapshot CRC mismatch: stored="), ex.getMessage());
        assertTrue(ex.getMessage().endsWith(" file=" + latest), ex.getMessage());
        assertEquals(List.of("00000000000000000001.snapshot"), filesInDir());
    }

    @Test
    void shouldFallBackToNoSnapshotWhenOnlySnapshotIsTruncated() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(1L);
        final Path snapshot = dir.resolve("00000000000000000001.snapshot");
        try (FileChannel channel = FileChannel.open(snapshot, StandardOpenOption.WRITE)) {
            channel.truncate(30);
        }
        state.close();
        state = open();

        final long loaded = state.loadFromSnapshot(0, 1L);

        assertEquals(0L, loaded);
        assertEquals(0, state.activeProducers());
        assertEquals(1, errors.size());
        assertEquals("Producer snapshot is truncated or has a bad entry count: entries=1 need 56 bytes, size=30 bytes"
            + " file=" + snapshot, errors.get(0).getMessage());
        assertEquals(List.of(), filesInDir());
    }

    @Test
    void shouldDeleteNewerSnapshotsWhenTruncated() throws IOException {
        for (int i = 0; i < 3; i++) {
            append(PID, EPOCH, i, 1);
            state.takeSnapshot(logEndOffset);
        }

        state.truncateTo(2L);

        assertEquals(List.of("00000000000000000001.snapshot", "00000000000000000002.snapshot"), filesInDir());
        assertEquals(0, state.activeProducers());
        assertEquals(2L, state.loadFromSnapshot(0, 2L));
        assertEquals(1, state.lastSequence(PID));
    }

    @Test
    void shouldDeleteAllSnapshotsWhenTruncatedFully() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(1L);

        state.truncateFullyAndStartAt(100L);

        assertEquals(List.of(), filesInDir());
        assertEquals(0, state.activeProducers());
        assertEquals(100L, state.mapEndOffset());
        assertEquals(-1L, state.oldestSnapshotOffset());
    }

    @Test
    void shouldDeleteOnlyOlderSnapshotsWhenDeletingSnapshotsBefore() throws IOException {
        for (int i = 0; i < 3; i++) {
            append(PID, EPOCH, i, 1);
            state.takeSnapshot(logEndOffset);
        }

        state.deleteSnapshotsBefore(2L);

        assertEquals(List.of("00000000000000000002.snapshot", "00000000000000000003.snapshot"), filesInDir());
        assertEquals(2L, state.oldestSnapshotOffset());
        assertEquals(3L, state.latestSnapshotOffset());
        assertTrue(state.contains(PID));
    }

    @Test
    void shouldRejectSnapshotWhenOffsetIsBelowRecordedBatches() {
        append(PID, EPOCH, 0, 3);

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> state.takeSnapshot(2L));

        assertEquals("Snapshot offset=2 is below the end of the producer state mapEndOffset=3 dir=" + dir,
            ex.getMessage());
    }

    @Test
    void shouldReplaceSnapshotWhenTakenTwiceAtSameOffset() throws IOException {
        append(PID, EPOCH, 0, 1);
        state.takeSnapshot(5L);
        append(7L, EPOCH, 0, 1);

        state.takeSnapshot(5L);

        assertEquals(List.of("00000000000000000005.snapshot"), filesInDir());
        state.loadFromSnapshot(0, 5L);
        assertEquals(2, state.activeProducers());
    }

    @Test
    void shouldThrowWhenSnapshotIsTakenAfterClose() {
        state.close();
        state.close();

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> state.takeSnapshot(0));

        assertEquals("Producer state is closed dir=" + dir, ex.getMessage());
    }

    @Test
    void shouldNotAllocateWhenCheckingAndUpdatingKnownProducers() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        for (long pid = 0; pid < 100; pid++) {
            append(pid, EPOCH, 0, 1);
        }
        final int[] nextSeq = new int[100];
        java.util.Arrays.fill(nextSeq, 1);
        runCheckAndUpdate(nextSeq, 20_000);
        threads.getThreadAllocatedBytes(threadId);

        final long before = threads.getThreadAllocatedBytes(threadId);
        runCheckAndUpdate(nextSeq, 100_000);
        final long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;

        // A few bytes of slack for the measurement itself; one allocation per call would be megabytes.
        assertTrue(allocatedBytes < 1024, "allocated " + allocatedBytes + " bytes");
    }

    private void runCheckAndUpdate(final int[] nextSeq, final int iterations) {
        for (int i = 0; i < iterations; i++) {
            final int pid = i % nextSeq.length;
            final int seq = nextSeq[pid];
            if (state.check(pid, EPOCH, seq, seq, out) != ErrorCode.NONE
                || state.check(pid, EPOCH, seq - 1, seq - 1, out) != ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
                throw new AssertionError("unexpected check result for pid " + pid);
            }
            state.update(pid, EPOCH, seq, seq, logEndOffset, logEndOffset, logEndOffset, nowMs);
            logEndOffset++;
            nextSeq[pid] = seq + 1;
        }
    }

    @Test
    void shouldWrapToZeroWhenIncrementingPastMaxSequence() {
        assertEquals(0, ProducerStateManager.incrementSequence(Integer.MAX_VALUE, 1));
        assertEquals(4, ProducerStateManager.incrementSequence(Integer.MAX_VALUE - 1, 6));
        assertEquals(Integer.MAX_VALUE, ProducerStateManager.incrementSequence(Integer.MAX_VALUE - 3, 3));
    }

    @Test
    void shouldWrapToMaxWhenDecrementingBelowZero() {
        assertEquals(Integer.MAX_VALUE, ProducerStateManager.decrementSequence(0, 1));
        assertEquals(Integer.MAX_VALUE - 1, ProducerStateManager.decrementSequence(4, 6));
        assertEquals(0, ProducerStateManager.decrementSequence(3, 3));
    }

    /**
     * Seeds of the model test; {@code -Dkeel.test.seed=N} runs only seed N (to re-run a failure).
     */
    static LongStream seeds() {
        final String seed = System.getProperty("keel.test.seed");
        return seed != null ? LongStream.of(Long.parseLong(seed)) : LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void shouldMatchModelWhenRandomOperationsRun(final long seed, @TempDir final Path modelDir) throws IOException {
        final ProducerStateModel.Driver driver = new ProducerStateModel.Driver(modelDir, seed);
        try {
            driver.run(400);
        } catch (final AssertionError | RuntimeException | IOException ex) {
            final String trace = driver.trace();
            throw new AssertionError("Model test failed with seed=" + seed + " (re-run with -Dkeel.test.seed=" + seed
                + "); last steps:\n" + trace.substring(Math.max(0, trace.length() - 3_000)), ex);
        }
    }

    static void flipByte(final Path file, final int position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x5A));
            b.position(0);
            channel.write(b, position);
        }
    }
}
