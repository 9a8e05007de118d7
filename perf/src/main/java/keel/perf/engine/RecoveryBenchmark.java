package keel.perf.engine;

import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.RunnerException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Recovery scan rate of an unflushed tail: {@link Log#open(Path, LogConfig, LogOptions, long, long, boolean)} of a
 * 256 MiB log (1 KiB records in 16 KiB batches, four 64 MiB segments) with recovery point 0 and no clean-shutdown
 * marker, as after a crash, so every segment is re-validated (framing and CRC-32C of every batch) and its indexes
 * rebuilt. The log was just written and is in the page cache, so this is the CPU-bound scan rate, not the disk's.
 * One op is one open; {@code bytes} gives the scanned bytes per second. The log is closed after each op outside
 * the measurement; recovery of valid data changes nothing, so every op scans the same log.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecoveryBenchmark extends EngineBenchmark {
    private static final long LOG_BYTES = 256L * 1024 * 1024;
    private static final int SEGMENT_BYTES = 64 * 1024 * 1024;
    private static final int RECORD_BYTES = 1024;

    private final LogConfig config = LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, SEGMENT_BYTES);
    private Path dir;
    private Path logDir;
    private long logBytes;
    private long logRecords;
    private Log opened;

    @Setup(Level.Trial)
    public void buildLog() throws IOException {
        dir = TempDirs.create("keel-recovery");
        logDir = dir.resolve("bench-0");
        final ByteBuffer batch = Batches.build(RECORD_BYTES, Batches.BATCH_16K);
        try (Log log = Log.open(logDir, config)) {
            LogFixtures.fill(log, batch, LOG_BYTES);
            logBytes = log.sizeInBytes();
            logRecords = log.logEndOffset();
        }
    }

    @TearDown(Level.Invocation)
    public void closeLog() throws IOException {
        if (opened != null) {
            opened.close();
            opened = null;
        }
    }

    @TearDown(Level.Trial)
    public void deleteLog() throws IOException {
        TempDirs.delete(dir);
    }

    @Benchmark
    public long recover(final ByteCounters counters) throws IOException {
        opened = Log.open(logDir, config, LogOptions.defaults(), 0L, 0L, false);
        if (opened.logEndOffset() != logRecords) {
            throw new IllegalStateException("recovery lost data: logEndOffset=" + opened.logEndOffset()
                + " expected=" + logRecords);
        }
        counters.add(logBytes, logRecords);
        return opened.logEndOffset();
    }

    public static void main(final String[] args) throws RunnerException {
        BenchmarkMain.run(RecoveryBenchmark.class);
    }
}
