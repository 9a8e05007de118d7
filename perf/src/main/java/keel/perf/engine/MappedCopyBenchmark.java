package keel.perf.engine;

import keel.index.FileAllocator;
import keel.index.MappedFiles;
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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The physical limit of an append: a raw {@code MappedByteBuffer.put(int, ByteBuffer, int, int)} (the call the
 * engine's segment uses) of {@code copyBytes} from a direct buffer into a file mapping, with no validation,
 * framing or index. One op is one copy; {@code bytes} gives bytes per second.
 *
 * <p>Two preparations of the mapping, to be explicit about what the engine is compared with:
 * <ul>
 *   <li>{@code pretouched}: a 1 GiB file preallocated with fallocate (the engine's allocator) and every page
 *       written once in the trial's set-up, then written round and round: every store hits a resident, writable
 *       page, and no page is ever allocated or zeroed. The copy bandwidth alone, which no log that writes new
 *       pages can reach.</li>
 *   <li>{@code pretouchAhead}: a fresh file of 2 GiB - 4 KiB per iteration, preallocated with fallocate, with a
 *       background thread faulting pages in 32 MiB ahead of the writer exactly as the engine's segment does
 *       (compare-and-set of 0 to 0 per page, requested when half the lead is used). The mapping prepared as the
 *       engine's is: the fair denominator of the 70% target.</li>
 *   <li>{@code fallocated}: a fresh file of 2 GiB - 4 KiB per iteration, preallocated with fallocate but never
 *       touched, so the writer takes every page fault itself (the engine with its pre-touch off). If an iteration
 *       writes more than the file, it wraps onto resident pages; the {@code bytes} counter shows whether it did.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MappedCopyBenchmark extends EngineBenchmark {
    static final String PRETOUCHED = "pretouched";
    static final String FALLOCATED = "fallocated";
    static final String PRETOUCH_AHEAD = "pretouchAhead";
    private static final int PAGE = 4096;
    private static final int PRETOUCHED_BYTES = 1 << 30;
    private static final int FALLOCATED_BYTES = Integer.MAX_VALUE / PAGE * PAGE;
    /** The engine's default lead ({@code LogOptions.PRETOUCH_BYTES_DEFAULT}). */
    private static final int PRETOUCH_AHEAD_BYTES = 32 * 1024 * 1024;
    private static final VarHandle INT_VIEW = MethodHandles.byteBufferViewVarHandle(int[].class,
        ByteOrder.BIG_ENDIAN);

    @Param({"100", "1024", "16384"})
    int copyBytes;

    @Param({PRETOUCHED, PRETOUCH_AHEAD, FALLOCATED})
    String mapping;

    private ByteBuffer src;
    private Path dir;
    private Path file;
    private FileChannel channel;
    private MappedByteBuffer map;
    private int capacity;
    private int position;
    private int nextPretouchRequest;
    private Pretoucher pretoucher;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        src = ByteBuffer.allocateDirect(copyBytes);
        src.put(Batches.randomBytes(copyBytes)).flip();
        dir = TempDirs.create("keel-memcpy");
        if (PRETOUCHED.equals(mapping)) {
            mapFile(PRETOUCHED_BYTES);
            for (int page = 0; page < capacity; page += PAGE) {
                map.put(page, (byte) 0);
            }
        } else if (!FALLOCATED.equals(mapping) && !PRETOUCH_AHEAD.equals(mapping)) {
            throw new IllegalArgumentException("mapping=" + mapping + " must be " + PRETOUCHED + ", " + PRETOUCH_AHEAD
                + " or " + FALLOCATED);
        }
    }

    @Setup(Level.Iteration)
    public void freshFile() throws IOException {
        if (!PRETOUCHED.equals(mapping)) {
            mapFile(FALLOCATED_BYTES);
        }
        if (PRETOUCH_AHEAD.equals(mapping)) {
            pretoucher = new Pretoucher(map, capacity);
            pretoucher.start();
            nextPretouchRequest = 0;
        }
    }

    @TearDown(Level.Iteration)
    public void dropFreshFile() throws IOException, InterruptedException {
        if (pretoucher != null) {
            pretoucher.stopAndJoin();
            pretoucher = null;
        }
        if (!PRETOUCHED.equals(mapping)) {
            unmapFile();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        unmapFile();
        TempDirs.delete(dir);
    }

    @Benchmark
    public int copy(final ByteCounters counters) {
        int at = position;
        if (at > capacity - copyBytes) {
            at = 0;
        }
        map.put(at, src, 0, copyBytes);
        position = at + copyBytes;
        if (position >= nextPretouchRequest && pretoucher != null) {
            // as the engine's segment: ask for more when half of the lead is used, a volatile store only then
            pretoucher.request(Math.min(capacity, (long) position + PRETOUCH_AHEAD_BYTES));
            nextPretouchRequest = position + PRETOUCH_AHEAD_BYTES / 2;
        }
        counters.add(copyBytes, 1);
        return at;
    }

    private void mapFile(final int bytes) throws IOException {
        file = dir.resolve("copy-" + System.nanoTime() + ".dat");
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileAllocator.SYSTEM.allocate(file, channel, bytes);
        map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        capacity = bytes;
        position = 0;
    }

    private void unmapFile() throws IOException {
        if (map != null) {
            MappedFiles.unmap(map);
            map = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (file != null) {
            Files.delete(file);
            file = null;
        }
    }

    /**
     * Faults pages in ahead of the writer the way the engine's segment does: a compare-and-set of 0 to 0 on each
     * page's first int (a write fault that can never overwrite data), up to the target the writer last asked for.
     * Parks between requests rather than spinning. One writer thread calls {@link #request}; the pre-touch thread
     * does the rest.
     */
    private static final class Pretoucher extends Thread {
        private final MappedByteBuffer map;
        private final int capacity;
        private volatile long target;
        private volatile boolean running = true;

        Pretoucher(final MappedByteBuffer map, final int capacity) {
            super("memcpy-pretouch");
            setDaemon(true);
            this.map = map;
            this.capacity = capacity;
        }

        void request(final long newTarget) {
            target = newTarget;
            LockSupport.unpark(this);
        }

        void stopAndJoin() throws InterruptedException {
            running = false;
            LockSupport.unpark(this);
            join();
        }

        @Override
        public void run() {
            long touched = 0;
            while (running) {
                final long wanted = Math.min(target, capacity - Integer.BYTES);
                while (touched < wanted && running) {
                    INT_VIEW.compareAndSet(map, (int) touched, 0, 0);
                    touched += PAGE;
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

    public static void main(final String[] args) throws RunnerException {
        BenchmarkMain.run(MappedCopyBenchmark.class);
    }
}
