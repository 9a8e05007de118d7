package keel.log;

import keel.index.FileAllocator;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What a {@link Log} needs from its environment besides its configuration: the clock, the file allocator (a
 * seam for full-disk tests), where background work runs, where background errors go, and how long an
 * idempotent producer's state is kept. Immutable; thread-safe. Setters return a modified copy.
 */
public final class LogOptions {
    /** Kafka's {@code producer.id.expiration.ms} default: one day. */
    public static final long PRODUCER_ID_EXPIRATION_MS_DEFAULT = 86_400_000L;

    private static final LogOptions DEFAULTS = new LogOptions(Time.SYSTEM, FileAllocator.SYSTEM,
        command -> SharedFlusher.EXECUTOR.execute(command), LogOptions::logError, PRODUCER_ID_EXPIRATION_MS_DEFAULT);

    private final Time time;
    private final FileAllocator allocator;
    private final Executor background;
    private final ErrorHandler errorHandler;
    private final long producerIdExpirationMs;

    private LogOptions(final Time time, final FileAllocator allocator, final Executor background,
                       final ErrorHandler errorHandler, final long producerIdExpirationMs) {
        this.time = time;
        this.allocator = allocator;
        this.background = background;
        this.errorHandler = errorHandler;
        this.producerIdExpirationMs = producerIdExpirationMs;
    }

    /**
     * One daemon thread shared by logs opened without a log manager, created on first use: the flush of a rolled
     * segment (an fsync of up to {@code segment.bytes}) must not stall the writer.
     */
    private static final class SharedFlusher {
        static final ExecutorService EXECUTOR = Executors
            .newSingleThreadExecutor(runnable -> {
                final Thread thread = new Thread(runnable, "keel-log-flusher");
                thread.setDaemon(true);
                return thread;
            });
    }

    private static void logError(final Throwable error) {
        LoggerFactory.getLogger(Log.class).error("Background log task failed", error);
    }

    /**
     * @return the system clock, the system allocator, background work on a shared daemon thread, errors logged.
     */
    public static LogOptions defaults() {
        return DEFAULTS;
    }

    public Time time() {
        return time;
    }

    public LogOptions time(final Time time) {
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs);
    }

    public FileAllocator allocator() {
        return allocator;
    }

    public LogOptions allocator(final FileAllocator allocator) {
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs);
    }

    /**
     * @return where the flush of a rolled segment runs, off the writer's critical path.
     */
    public Executor background() {
        return background;
    }

    public LogOptions background(final Executor background) {
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs);
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    public LogOptions errorHandler(final ErrorHandler errorHandler) {
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs);
    }

    public long producerIdExpirationMs() {
        return producerIdExpirationMs;
    }

    public LogOptions producerIdExpirationMs(final long producerIdExpirationMs) {
        if (producerIdExpirationMs < 1) {
            throw new IllegalArgumentException("Invalid value " + producerIdExpirationMs
                + " for producer.id.expiration.ms: allowed [1, " + Long.MAX_VALUE + "]");
        }
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs);
    }
}
