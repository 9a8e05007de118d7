package keel.perf.engine;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference for small-message appends: Chronicle Queue 5.27 ({@code net.openhft:chronicle-queue}) appending a
 * pre-filled {@code messageBytes} message with {@link ExcerptAppender#writeBytes(Bytes)}, its fastest raw path
 * (a 4-byte header, no wire encoding). One op is one message; {@code bytes} counts the message bytes.
 *
 * <p>Chronicle runs with its defaults (daily roll cycle, sparse 64 MiB-chunk mappings, no pre-toucher), in a fresh
 * queue directory per iteration that is deleted at the iteration's end, as the engine's append benchmark does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChronicleQueueBenchmark extends EngineBenchmark {
    @Param({"100", "1024"})
    int messageBytes;

    private Bytes<?> message;
    private Path dir;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;

    @Setup(Level.Trial)
    public void buildMessage() {
        message = Bytes.allocateDirect(Batches.randomBytes(messageBytes));
    }

    @Setup(Level.Iteration)
    public void openQueue() throws IOException {
        dir = TempDirs.create("keel-chronicle");
        queue = SingleChronicleQueueBuilder.single(dir.toFile()).build();
        appender = queue.createAppender();
    }

    @TearDown(Level.Iteration)
    public void deleteQueue() throws IOException {
        appender.close();
        queue.close();
        BackgroundResourceReleaser.releasePendingResources();
        TempDirs.delete(dir);
    }

    @TearDown(Level.Trial)
    public void releaseMessage() {
        message.releaseLast();
    }

    @Benchmark
    public long append(final ByteCounters counters) {
        appender.writeBytes(message);
        counters.add(messageBytes, 1);
        return appender.lastIndexAppended();
    }

    public static void main(final String[] args) throws RunnerException {
        BenchmarkMain.run(ChronicleQueueBenchmark.class);
    }
}
