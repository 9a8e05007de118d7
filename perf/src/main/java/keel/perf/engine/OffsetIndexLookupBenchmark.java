package keel.perf.engine;

import keel.index.FileAllocator;
import keel.index.OffsetIndex;
import keel.index.OffsetPosition;
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
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Floor lookup in a full offset index: the default {@code segment.index.bytes} of 10 MiB (1,310,720 entries, 16
 * offsets and 1 KiB of log apart, so the positions stay below 2 GiB), looked up at targets drawn uniformly
 * from the index's whole range with a fixed seed, pre-generated so the benchmark measures the lookup alone.
 * One op is one lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OffsetIndexLookupBenchmark extends EngineBenchmark {
    private static final int INDEX_BYTES = 10 * 1024 * 1024;
    private static final int OFFSETS_PER_ENTRY = 16;
    private static final int POSITIONS_PER_ENTRY = 1024;
    private static final int TARGETS = 1 << 16;
    private static final long BASE_OFFSET = 1_000_000L;
    private static final long SEED = 7L;

    private final OffsetPosition out = new OffsetPosition();
    private final long[] targets = new long[TARGETS];
    private Path dir;
    private OffsetIndex index;
    private int next;

    @Setup(Level.Trial)
    public void fillIndex() throws IOException {
        dir = TempDirs.create("keel-index");
        index = OffsetIndex.open(dir.resolve("00000000000001000000.index"), BASE_OFFSET, INDEX_BYTES, true,
            FileAllocator.SYSTEM);
        int entries = 0;
        while (!index.isFull()) {
            index.append(BASE_OFFSET + (long) entries * OFFSETS_PER_ENTRY, entries * POSITIONS_PER_ENTRY);
            entries++;
        }
        final SplittableRandom random = new SplittableRandom(SEED);
        final long range = (long) entries * OFFSETS_PER_ENTRY;
        for (int i = 0; i < TARGETS; i++) {
            targets[i] = BASE_OFFSET + random.nextLong(range);
        }
    }

    @TearDown(Level.Trial)
    public void deleteIndex() throws IOException {
        index.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public int lookup() {
        final int i = next;
        next = (i + 1) & (TARGETS - 1);
        index.lookup(targets[i], out);
        return out.position();
    }

    public static void main(final String[] args) throws RunnerException {
        BenchmarkMain.run(OffsetIndexLookupBenchmark.class);
    }
}
