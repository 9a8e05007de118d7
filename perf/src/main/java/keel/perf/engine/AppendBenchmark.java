package keel.perf.engine;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 * Append throughput of {@link Log#tryAppendAsLeader}: one pre-built uncompressed v2 batch (direct buffer) appended
 * again and again (the log rewrites its baseOffset in place, validates it including the CRC-32C, copies it into the
 * mapped segment, maintains the indexes and publishes). One op is one batch; the {@code bytes} counter gives bytes
 * per second and {@code records} records per second.
 *
 * <p>Each iteration appends to a fresh log in a fresh directory, deleted at the iteration's end, so the disk holds
 * at most one iteration's data. The log has the default configuration: 1 GiB segments preallocated with fallocate,
 * pre-touched {@code pretouchBytes} ahead of the writer by the engine's background thread (0: off), rolls and the
 * background flush of rolled segments included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AppendBenchmark extends EngineBenchmark {
    @Param({"100", "1024"})
    int recordBytes;

    @Param({Batches.BATCH_16K, Batches.SINGLE})
    String batching;

    /** The engine's pre-touch lead in bytes: its default, or 0 (off: the writer takes its own page faults). */
    @Param({"33554432"})
    int pretouchBytes;

    private final AppendResult result = new AppendResult();
    private ByteBuffer batch;
    private long batchBytes;
    private long batchRecords;
    private Path dir;
    private Log log;

    @Setup(Level.Trial)
    public void buildBatch() {
        batch = Batches.build(recordBytes, batching);
        batchBytes = batch.remaining();
        batchRecords = Batches.recordsPerBatch(recordBytes, batching);
    }

    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        dir = TempDirs.create("keel-append");
        log = Log.open(dir.resolve("bench-0"), LogConfig.defaults(),
            LogOptions.defaults().pretouchBytes(pretouchBytes), 0L, 0L, false);
    }

    @TearDown(Level.Iteration)
    public void deleteLog() throws IOException {
        log.delete();
        TempDirs.delete(dir);
    }

    @Benchmark
    public long append(final ByteCounters counters) {
        final int code = log.tryAppendAsLeader(batch, 0, result);
        if (code != ErrorCode.NONE) {
            throw new IllegalStateException("append failed: code=" + ErrorCode.name(code) + " message="
                + result.errorMessage());
        }
        counters.add(batchBytes, batchRecords);
        return result.lastOffset();
    }

    public static void main(final String[] args) throws RunnerException {
        BenchmarkMain.run(AppendBenchmark.class);
    }
}
