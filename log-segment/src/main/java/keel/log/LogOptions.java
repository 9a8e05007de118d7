package keel.log;

import keel.index.FileAllocator;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What a {@link Log} needs from its environment besides its configuration: the clock, the file allocator (a
 * seam for full-disk tests), where background work runs, where background errors go, how long an idempotent
 * producer's state is kept, and how far ahead of the writer the active segment's pages are faulted in.
 * Immutable; thread-safe. Setters return a modified copy.
 */
public final class LogOptions {
    /** Kafka's {@code producer.id.expiration.ms} default: one day. */
    public static final long PRODUCER_ID_EXPIRATION_MS_DEFAULT = 86_400_000L;
    /** How far ahead of the writer the active segment is pre-touched by default. */
    public static final int PRETOUCH_BYTES_DEFAULT = 32 * 1024 * 1024;

    private static final LogOptions DEFAULTS = new LogOptions(Time.SYSTEM, FileAllocator.SYSTEM,
        command -> Shared.FLUSHER.execute(command), LogOptions::logError, PRODUCER_ID_EXPIRATION_MS_DEFAULT,
        PRETOUCH_BYTES_DEFAULT, command -> Shared.PRETOUCHER.execute(command));

    private final Time time;
    private final FileAllocator allocator;
    private final Executor background;
    private final ErrorHandler errorHandler;
    private final long producerIdExpirationMs;
    private final int pretouchBytes;
    private final Executor pretouchExecutor;

    private LogOptions(final Time time, final FileAllocator allocator, final Executor background,
                       final ErrorHandler errorHandler, final long producerIdExpirationMs, final int pretouchBytes,
                       final Executor pretouchExecutor) {
        this.time = time;
        this.allocator = allocator;
        this.background = background;
        this.errorHandler = errorHandler;
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.pretouchBytes = pretouchBytes;
        this.pretouchExecutor = pretouchExecutor;
    }

    /**
     * Daemon threads shared by every log, created on first use: the flush of a rolled segment (an fsync of up to
     * {@code segment.bytes}) and the page pre-touching must not run on the writer's thread, and must not wait
     * for each other.
     */
    private static final class Shared {
        static final ExecutorService FLUSHER = Executors.newSingleThreadExecutor(runnable -> daemon(runnable,
            "keel-log-flusher"));
        static final ExecutorService PRETOUCHER = Executors.newSingleThreadExecutor(runnable -> daemon(runnable,
            "keel-log-pretouch"));

        private static Thread daemon(final Runnable runnable, final String name) {
            final Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        }
    }

    private static void logError(final Throwable error) {
        LoggerFactory.getLogger(Log.class).error("Background log task failed", error);
    }

    /**
     * @return the system clock and allocator, background work on shared daemon threads, errors logged,
     *     32 MiB of pre-touch.
     */
    public static LogOptions defaults() {
        return DEFAULTS;
    }

    public Time time() {
        return time;
    }

    public LogOptions time(final Time newTime) {
        return new LogOptions(newTime, allocator, background, errorHandler, producerIdExpirationMs, pretouchBytes,
            pretouchExecutor);
    }

    public FileAllocator allocator() {
        return allocator;
    }

    public LogOptions allocator(final FileAllocator newAllocator) {
        return new LogOptions(time, newAllocator, background, errorHandler, producerIdExpirationMs, pretouchBytes,
            pretouchExecutor);
    }

    /**
     * @return where the flush of a rolled segment runs, off the writer's critical path.
     */
    public Executor background() {
        return background;
    }

    public LogOptions background(final Executor newBackground) {
        return new LogOptions(time, allocator, newBackground, errorHandler, producerIdExpirationMs, pretouchBytes,
            pretouchExecutor);
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    public LogOptions errorHandler(final ErrorHandler newErrorHandler) {
        return new LogOptions(time, allocator, background, newErrorHandler, producerIdExpirationMs, pretouchBytes,
            pretouchExecutor);
    }

    public long producerIdExpirationMs() {
        return producerIdExpirationMs;
    }

    public LogOptions producerIdExpirationMs(final long ms) {
        if (ms < 1) {
            throw new IllegalArgumentException("Invalid value " + ms + " for producer.id.expiration.ms: allowed [1, "
                + Long.MAX_VALUE + "]");
        }
        return new LogOptions(time, allocator, background, errorHandler, ms, pretouchBytes, pretouchExecutor);
    }

    /**
     * @return how many bytes ahead of the writer the active segment's pages are faulted in by a background
     *     thread (0: off). A first store into a fresh page of the mapping costs a page fault that allocates and
     *     zeroes the page; doing that ahead of time takes it off the append path.
     */
    public int pretouchBytes() {
        return pretouchBytes;
    }

    public LogOptions pretouchBytes(final int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("Invalid value " + bytes + " for pretouch bytes: allowed [0, "
                + Integer.MAX_VALUE + "]");
        }
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs, bytes,
            pretouchExecutor);
    }

    /**
     * @return where pre-touching runs.
     */
    public Executor pretouchExecutor() {
        return pretouchExecutor;
    }

    public LogOptions pretouchExecutor(final Executor executor) {
        return new LogOptions(time, allocator, background, errorHandler, producerIdExpirationMs, pretouchBytes,
            executor);
    }
}
