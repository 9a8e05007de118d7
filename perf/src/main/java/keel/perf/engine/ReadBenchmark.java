package keel.perf.engine;

import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.LogConfig;
import keel.log.ReadResult;
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
 * Read throughput of a consumer fetch: {@link Log#read} (segment lookup, offset-index lookup, batch walk up to
 * {@code fetchBytes}) then {@link ReadResult#readFully} (a positional read from the page cache) into a direct
 * buffer, and release. The reads walk sequentially through a 256 MiB log of 1 KiB records in 16 KiB batches and
 * start over at its end; the log was just written, so it is in the page cache: this measures the engine and the
 * copy, not the disk. One op is one fetch; {@code bytes} gives bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadBenchmark extends EngineBenchmark {
    private static final long LOG_BYTES = 256L * 1024 * 1024;
    private static final int RECORD_BYTES = 1024;

    @Param({"16384", "1048576"})
    int fetchBytes;

    private final ReadResult result = new ReadResult();
    private Path dir;
    private Log log;
    private ByteBuffer dst;
    private int batchBytes;
    private long recordsPerBatch;
    private long offset;
    private long logEnd;

    @Setup(Level.Trial)
    public void buildLog() throws IOException {
        final ByteBuffer batch = Batches.build(RECORD_BYTES, Batches.BATCH_16K);
        batchBytes = batch.remaining();
        recordsPerBatch = Batches.recordsPerBatch(RECORD_BYTES, Batches.BATCH_16K);
        dir = TempDirs.create("keel-read");
        log = Log.open(dir.resolve("bench-0"), LogConfig.defaults());
        LogFixtures.fill(log, batch, LOG_BYTES);
        logEnd = log.logEndOffset();
        dst = ByteBuffer.allocateDirect(Math.max(fetchBytes, batchBytes));
    }

    @TearDown(Level.Trial)
    public void deleteLog() throws IOException {
        result.release();
        log.delete();
        TempDirs.delete(dir);
    }

    @Benchmark
    public int read(final ByteCounters counters) throws IOException {
        final int code = log.read(offset, fetchBytes, Long.MAX_VALUE, true, result);
        if (code != ErrorCode.NONE || result.sizeInBytes() == 0) {
            throw new IllegalStateException("read failed: code=" + ErrorCode.name(code) + " offset=" + offset
                + " result=" + result);
        }
        dst.clear();
        final int bytes = result.readFully(dst);
        final long records = bytes / batchBytes * recordsPerBatch;
        final long next = result.firstOffset() + records;
        result.release();
        offset = next < logEnd ? next : 0;
        counters.add(bytes, records);
        return bytes;
    }

    public static void main(final String[] args) throws RunnerException {
        BenchmarkMain.run(ReadBenchmark.class);
    }
}
