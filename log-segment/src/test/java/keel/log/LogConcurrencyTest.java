package keel.log;

import keel.log.testing.TestBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogConcurrencyTest {
    private static final int APPENDS = 2000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void shouldServeOnlyWholePublishedBatchesWhileWriterRollsAndRetentionDeletes() throws Exception {
        final LogConfig config = LogConfig.defaults()
            .with(LogConfig.SEGMENT_BYTES_CONFIG, 48 * 1024)
            .with(LogConfig.SEGMENT_INDEX_BYTES_CONFIG, 4096)
            .with(LogConfig.RETENTION_BYTES_CONFIG, 128 * 1024)
            .with(LogConfig.RETENTION_MS_CONFIG, -1)
            .with(LogConfig.INDEX_INTERVAL_BYTES_CONFIG, 256);
        try (Log log = Log.open(tmp.resolve("race-0"), config, LogOptions.defaults(), 0, 0, false)) {
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicLong batchesRead = new AtomicLong();
            final List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                final long seed = 42 + r;
                readers.add(new Thread(() -> readUntilDone(log, seed, done, failure, batchesRead), "reader-" + r));
            }
            final Thread tail = new Thread(() -> tailUntilDone(log, done, failure), "tail");
            readers.add(tail);
            readers.forEach(Thread::start);

            final AppendResult result = new AppendResult();
            try {
                for (int i = 0; i < APPENDS && failure.get() == null; i++) {
                    final ByteBuffer batch = TestBatches.batch(i, "value-" + i, "second-" + i);
                    assertEquals(ErrorCode.NONE, log.tryAppendAsLeader(batch, 0, result), result.toString());
                    if (i % 100 == 0) {
                        log.deleteOldSegments();
                    }
                }
            } finally {
                done.set(true);
                for (final Thread reader : readers) {
                    reader.join();
                }
            }
            assertNull(failure.get(), () -> "reader failed: " + failure.get());
            assertTrue(batchesRead.get() > 0, "readers read nothing");
            assertEquals(2L * APPENDS, log.logEndOffset());
        }
    }

    private static void readUntilDone(final Log log, final long seed, final AtomicBoolean done,
                                      final AtomicReference<Throwable> failure, final AtomicLong batchesRead) {
        final Random random = new Random(seed);
        final ByteBuffer copy = ByteBuffer.allocateDirect(64 * 1024);
        final RecordBatchView view = new RecordBatchView();
        try (ReadResult read = new ReadResult()) {
            while (!done.get() && failure.get() == null) {
                final long start = log.logStartOffset();
                final long end = log.logEndOffset();
                final long offset = start + (end > start ? (long) (random.nextDouble() * (end - start)) : 0);
                final int code = log.read(offset, 8 * 1024, Long.MAX_VALUE, true, read);
                if (code == ErrorCode.OFFSET_OUT_OF_RANGE) {
                    continue;
                }
                assertEquals(ErrorCode.NONE, code, "read at " + offset);
                if (read.sizeInBytes() == 0) {
                    continue;
                }
                copy.clear();
                read.readFully(copy);
                read.release();
                copy.flip();
                long expectedBase = -1;
                for (int position = 0; position < copy.limit(); position += view.sizeInBytes()) {
                    view.wrap(copy, position);
                    assertEquals(ErrorCode.NONE, view.validateStored(copy.limit() - position),
                        "torn or foreign batch at " + position + " reading offset " + offset);
                    if (expectedBase >= 0) {
                        assertEquals(expectedBase, view.baseOffset(), "batches are consecutive");
                    }
                    assertEquals(view.baseOffset() / 2, view.maxTimestamp(), "batch content matches its offset");
                    expectedBase = view.lastOffset() + 1;
                    batchesRead.incrementAndGet();
                }
                assertTrue(copy.limit() > 0 && view.lastOffset() >= offset, "region holds the offset read");
            }
        } catch (final Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private static void tailUntilDone(final Log log, final AtomicBoolean done,
                                      final AtomicReference<Throwable> failure) {
        try {
            long seen = -1;
            while (!done.get() && failure.get() == null) {
                if (log.awaitLogEnd(seen, 100)) {
                    final long end = log.logEndOffset();
                    assertTrue(end > seen, "log end moved past " + seen);
                    seen = end;
                }
            }
        } catch (final Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    @Test
    void shouldKeepReservedSegmentReadableAfterRetentionDeletesIt() throws IOException {
        final LogConfig config = LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024)
            .with(LogConfig.RETENTION_BYTES_CONFIG, 0);
        try (Log log = Log.open(tmp.resolve("reserved-0"), config, LogOptions.defaults(), 0, 0, false);
             ReadResult read = new ReadResult()) {
            final AppendResult result = new AppendResult();
            for (int i = 0; i < 10; i++) {
                log.tryAppendAsLeader(TestBatches.sized(200, i), 0, result);
            }
            assertEquals(ErrorCode.NONE, log.read(0, 1024, Long.MAX_VALUE, true, read));
            final int size = read.sizeInBytes();
            assertTrue(log.deleteOldSegments() > 0);
            assertTrue(log.logStartOffset() > 0);
            final ByteBuffer copy = ByteBuffer.allocate(size);
            read.readFully(copy);
            copy.flip();
            final RecordBatchView view = new RecordBatchView().wrap(copy, 0);
            assertEquals(ErrorCode.NONE, view.validateStored(size));
            assertEquals(0, view.baseOffset());
        }
    }
}
