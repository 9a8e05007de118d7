package keel.log;

import keel.log.testing.TestBatches;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of {@link LogCrashTest}: opens the log {@code crash-0} in a data directory through a
 * {@link LogManager} (so checkpoints, background flushes and rolls all run), then appends batches in a loop until
 * it is killed, printing {@code ack <firstOffset> <lastOffset>} and flushing stdout after every append that has
 * returned. Record contents are a function of the record's offset only ({@link #describe(long)}), so the parent can
 * check every record it finds without being told what was written.
 *
 * <p>Usage: {@code LogCrashChild <dataDir> <seed>}. Confined to its main thread (plus the manager's scheduler).
 */
public final class LogCrashChild {
    static final String TOPIC = "crash";
    static final long T0 = 1_700_000_000_000L;
    static final LogConfig CONFIG = LogConfig.defaults().with(Map.of(
        LogConfig.SEGMENT_BYTES_CONFIG, Integer.toString(32 * 1024),
        LogConfig.SEGMENT_INDEX_BYTES_CONFIG, "1200",
        LogConfig.INDEX_INTERVAL_BYTES_CONFIG, "200",
        LogConfig.SEGMENT_MS_CONFIG, Long.toString(Long.MAX_VALUE),
        LogConfig.RETENTION_MS_CONFIG, "-1",
        LogConfig.RETENTION_BYTES_CONFIG, "-1",
        LogConfig.FLUSH_MS_CONFIG, "100"));
    /** Small intervals, so a kill often lands in a checkpoint write or a background flush. */
    static final LogManagerOptions OPTIONS = LogManagerOptions.defaults()
        .checkpointIntervalMs(20)
        .flushSchedulerIntervalMs(20)
        .retentionCheckIntervalMs(Long.MAX_VALUE / 4);
    /** Bounds for the loop in case the parent is gone and stdout does not report it. */
    private static final int MAX_APPENDS = 100_000;
    private static final long MAX_RUN_NS = 60_000_000_000L;
    private static final Compression[] CODECS = {Compression.NONE, Compression.GZIP, Compression.LZ4};

    private LogCrashChild() {
    }

    /**
     * @param args the data directory and the seed that picks batch sizes and codecs.
     * @throws Exception on any failure, which the parent sees as missing acknowledgements and the stderr file.
     */
    public static void main(final String[] args) throws Exception {
        final Path dataDir = Path.of(args[0]);
        final Random random = new Random(Long.parseLong(args[1]));
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
            StandardCharsets.US_ASCII);
        final AppendResult result = new AppendResult();
        try (LogManager manager = LogManager.open(dataDir, CONFIG, OPTIONS)) {
            final Log log = manager.getOrCreate(TOPIC, 0, CONFIG);
            out.println("open " + log.logStartOffset() + " " + log.logEndOffset());
            out.flush();
            final long startNs = System.nanoTime();
            for (int i = 0; i < MAX_APPENDS && !out.checkError() && System.nanoTime() - startNs < MAX_RUN_NS; i++) {
                final long first = log.logEndOffset();
                final ByteBuffer batch = batch(first, 1 + random.nextInt(random.nextInt(4) == 0 ? 40 : 8),
                    CODECS[random.nextInt(CODECS.length)]);
                final int code = log.tryAppendAsLeader(batch, 0, result);
                if (code != ErrorCode.NONE) {
                    throw new IllegalStateException("append failed: " + result);
                }
                out.println("ack " + result.firstOffset() + " " + result.lastOffset());
                out.flush();
            }
        }
    }

    /**
     * @param firstOffset the offset the batch's first record will get.
     * @param records     the number of records.
     * @param compression the codec.
     * @return the batch of the records {@link #describe(long)} describes for those offsets.
     */
    static ByteBuffer batch(final long firstOffset, final int records, final Compression compression) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            for (long offset = firstOffset; offset < firstOffset + records; offset++) {
                final byte[] key = key(offset);
                final byte[] header = headerValue(offset);
                if (header == null) {
                    builder.append(timestamp(offset), key, value(offset));
                } else {
                    builder.append(timestamp(offset), key, value(offset), new RecordBatchBuilder.Header("h", header));
                }
            }
            return builder.build();
        }
    }

    /**
     * @param offset a record's offset.
     * @return the line {@link TestBatches#describe(ByteBuffer)} gives for the record stored at that offset.
     */
    static String describe(final long offset) {
        final byte[] header = headerValue(offset);
        return TestBatches.describe(offset, timestamp(offset), key(offset), value(offset),
            header == null ? new String[0] : new String[] {"h"}, header == null ? new byte[0][] : new byte[][] {header});
    }

    /** Increasing over the log, but not within a batch: the time index keeps the max so far. */
    static long timestamp(final long offset) {
        return T0 + offset * 3 - (offset % 5) * 4;
    }

    private static byte[] key(final long offset) {
        return offset % 3 == 0 ? ("k" + offset).getBytes(StandardCharsets.US_ASCII) : null;
    }

    private static byte[] headerValue(final long offset) {
        return offset % 5 == 0 ? Long.toString(offset * 7).getBytes(StandardCharsets.US_ASCII) : null;
    }

    private static byte[] value(final long offset) {
        final byte[] value = new byte[(int) (offset * 37 % 300)];
        final Random random = new Random(offset);
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + random.nextInt(26));
        }
        return value;
    }
}
