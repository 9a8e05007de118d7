package keel.log;

import keel.log.testing.Await;
import keel.log.testing.ManualTime;
import keel.log.testing.TestBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogManagerTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final LogConfig CONFIG = LogConfig.defaults().with(Map.of(
        LogConfig.SEGMENT_BYTES_CONFIG, "4096",
        LogConfig.SEGMENT_INDEX_BYTES_CONFIG, "1024",
        LogConfig.INDEX_INTERVAL_BYTES_CONFIG, "256",
        LogConfig.SEGMENT_MS_CONFIG, Long.toString(Long.MAX_VALUE),
        LogConfig.RETENTION_MS_CONFIG, "-1"));

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(T0);
    private final AppendResult result = new AppendResult();

    private Path dataDir() {
        return tmp.resolve("data");
    }

    private Path partition() {
        return dataDir().resolve("orders-0");
    }

    private LogManager open() throws IOException {
        return open(LogManagerOptions.defaults());
    }

    private LogManager open(final LogManagerOptions options) throws IOException {
        return LogManager.open(dataDir(), CONFIG, options.logOptions(options.logOptions().time(time)));
    }

    /** Appends 300-byte records until the log has {@code segments} segments and three batches in the last. */
    private void fill(final Log log, final int segments) {
        int i = 0;
        while (log.segmentCount() < segments || log.logEndOffset() - lastBase(log) < 3) {
            assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(TestBatches.batch(T0, "r" + i + "-" + "x".repeat(300)),
                0, result));
            i++;
        }
    }

    private static long lastBase(final Log log) {
        final long[] bases = log.segmentBaseOffsets();
        return bases[bases.length - 1];
    }

    private static Path segment(final Path dir, final long base) {
        return dir.resolve(String.format("%020d.log", base));
    }

    /** Flips a byte inside the CRC-covered part of the batch at {@code offset} of segment {@code base}. */
    private static void corruptBatch(final Path dir, final long base, final long offset) throws IOException {
        final Path file = segment(dir, base);
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        final RecordBatchView view = new RecordBatchView();
        int position = 0;
        while (position < bytes.limit()) {
            view.wrap(bytes, position);
            if (view.baseOffset() <= offset && offset <= view.lastOffset()) {
                final int inside = position + RecordBatchFormat.RECORD_BATCH_OVERHEAD + 2;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(new byte[] {(byte) (bytes.get(inside) ^ 0x40)}), inside);
                }
                return;
            }
            position += view.sizeInBytes();
        }
        throw new AssertionError("no batch holds offset " + offset + " in " + file);
    }

    private static boolean crcValidAt(final Log log, final long offset) throws IOException {
        final ByteBuffer batch = log.readBatches(offset, 1);
        return new RecordBatchView().wrap(batch, 0).isCrcValid();
    }

    private void writeCheckpoint(final String file, final String content) throws IOException {
        Files.writeString(dataDir().resolve(file), content, StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteCheckpointsInKafkasFormatAndTheMarkerWhenClosing() throws IOException {
        final long ordersEnd;
        final long dashedEnd;
        try (LogManager manager = open()) {
            final Log orders = manager.getOrCreate("orders", 0, CONFIG);
            final Log dashed = manager.getOrCreate("my-topic", 12, CONFIG);
            fill(orders, 2);
            dashed.tryAppendAsLeader(TestBatches.batch(T0, "a", "b", "c"), 0, result);
            assertEquals(ErrorCode.NONE, dashed.deleteRecordsBefore(1));
            ordersEnd = orders.logEndOffset();
            dashedEnd = dashed.logEndOffset();
        }

        final List<String> points = Files.readAllLines(dataDir().resolve(LogManager.RECOVERY_POINT_CHECKPOINT));
        assertEquals(List.of("0", "2"), points.subList(0, 2));
        assertEquals(Set.of("orders 0 " + ordersEnd, "my-topic 12 " + dashedEnd), new HashSet<>(points.subList(2, 4)));
        final List<String> starts = Files.readAllLines(dataDir().resolve(LogManager.LOG_START_OFFSET_CHECKPOINT));
        assertEquals(List.of("0", "2"), starts.subList(0, 2));
        assertEquals(Set.of("orders 0 0", "my-topic 12 1"), new HashSet<>(starts.subList(2, 4)));
        assertTrue(Files.exists(dataDir().resolve(LogManager.CLEAN_SHUTDOWN_FILE)));
    }

    @Test
    void shouldRemoveTheCleanShutdownMarkerAndUseTheCheckpointsWhenOpening() throws IOException {
        try (LogManager manager = open()) {
            final Log log = manager.getOrCreate("orders", 0, CONFIG);
            log.tryAppendAsLeader(TestBatches.batch(T0, "a", "b", "c"), 0, result);
            log.deleteRecordsBefore(2);
        }
        try (LogManager manager = open()) {
            assertFalse(Files.exists(dataDir().resolve(LogManager.CLEAN_SHUTDOWN_FILE)),
                "a run that may crash must not find the marker");
            final Log log = manager.get("orders", 0);
            assertEquals(2, log.logStartOffset(), "the log start comes from its checkpoint");
            assertEquals(3, log.logEndOffset());
            assertEquals(3, log.recoveryPoint());
        }
    }

    @Test
    void shouldNotRevalidateSegmentsBelowTheRecoveryPointAfterACrash() throws IOException {
        final long end;
        try (LogManager manager = open()) {
            final Log log = manager.getOrCreate("orders", 0, CONFIG);
            fill(log, 3);
            end = log.logEndOffset();
        }
        corruptBatch(partition(), 0, 1);
        // a crash after the checkpoint: the marker is gone, the checkpoint says everything is on disk
        Files.delete(dataDir().resolve(LogManager.CLEAN_SHUTDOWN_FILE));

        try (LogManager manager = open()) {
            final Log log = manager.get("orders", 0);
            assertEquals(end, log.logEndOffset(), "a segment below the recovery point is not recovered");
            assertFalse(crcValidAt(log, 1), "the damaged batch was not re-validated");
        }
    }

    @Test
    void shouldRecoverSegmentsAboveTheRecoveryPointAfterACrash() throws IOException {
        try (LogManager manager = open()) {
            final Log log = manager.getOrCreate("orders", 0, CONFIG);
            fill(log, 3);
        }
        corruptBatch(partition(), 0, 1);
        Files.delete(dataDir().resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        writeCheckpoint(LogManager.RECOVERY_POINT_CHECKPOINT, "0\n1\norders 0 1\n");

        try (LogManager manager = open()) {
            final Log log = manager.get("orders", 0);
            assertEquals(1, log.logEndOffset(), "recovery cuts at the damaged batch above the recovery point");
            assertEquals(1, log.segmentCount());
            assertTrue(crcValidAt(log, 0));
        }
    }

    @Test
    void shouldSkipRecoveryWhenTheCleanShutdownMarkerIsPresent() throws IOException {
        final long end;
        final long activeBase;
        try (LogManager manager = open()) {
            final Log log = manager.getOrCreate("orders", 0, CONFIG);
            fill(log, 2);
            end = log.logEndOffset();
            activeBase = lastBase(log);
        }
        corruptBatch(partition(), activeBase, end - 1);

        try (LogManager manager = open()) {
            final Log log = manager.get("orders", 0);
            assertEquals(end, log.logEndOffset(), "after a clean shutdown nothing is re-validated");
            assertFalse(crcValidAt(log, end - 1));
        }
    }

    @Test
    void shouldFailWithAnErrorNamingTheFileWhenACheckpointIsCorrupt() throws IOException {
        try (LogManager manager = open()) {
            manager.getOrCreate("orders", 0, CONFIG);
        }
        writeCheckpoint(LogManager.RECOVERY_POINT_CHECKPOINT, "0\ntwo\norders 0 1\n");

        final IOException thrown = assertThrows(IOException.class, this::open);
        assertEquals("Malformed checkpoint file " + dataDir().resolve(LogManager.RECOVERY_POINT_CHECKPOINT)
            + " at line 2: count is not a number: two", thrown.getMessage());
    }

    @Test
    void shouldDeleteThePartitionDirectoryWhenDeletingALog() throws IOException {
        try (LogManager manager = open()) {
            final Log log = manager.getOrCreate("orders", 0, CONFIG);
            fill(log, 2);
            final Path dir = log.dir();

            manager.delete("orders", 0);

            assertFalse(Files.exists(dir));
            assertNull(manager.get("orders", 0));
            assertTrue(log.isClosed());
        }
        try (LogManager manager = open()) {
            assertTrue(manager.logs().isEmpty(), "a deleted log does not come back");
        }
    }

    @Test
    @Timeout(30)
    void shouldApplyRetentionInTheBackground() throws IOException {
        final LogConfig retained = CONFIG.with(LogConfig.RETENTION_BYTES_CONFIG, 8192);
        try (LogManager manager = open(LogManagerOptions.defaults().retentionCheckIntervalMs(10))) {
            final Log log = manager.getOrCreate("orders", 0, retained);
            fill(log, 6);

            Await.await(() -> log.sizeInBytes() <= 8192 + 4096, 20_000, () -> "retention to shrink " + log);

            assertTrue(log.logStartOffset() > 0);
            assertEquals(log.segmentBaseOffsets()[0], log.logStartOffset());
            assertEquals(log.logEndOffset() - log.logStartOffset(), TestBatches.describeAll(log).size());
        }
    }

    @Test
    void shouldReturnTheSameLogWhenGetOrCreateIsCalledAgain() throws IOException {
        try (LogManager manager = open()) {
            final Log first = manager.getOrCreate("orders", 3, CONFIG);
            first.tryAppendAsLeader(TestBatches.batch(T0, "a"), 0, result);
            assertSame(first, manager.getOrCreate("orders", 3, CONFIG));
            assertSame(first, manager.get("orders", 3));
            assertEquals(1, manager.logs().size());
        }
        try (LogManager manager = open()) {
            final Log loaded = manager.get("orders", 3);
            assertSame(loaded, manager.getOrCreate("orders", 3, CONFIG));
            assertEquals(1, loaded.logEndOffset());
        }
    }
}
