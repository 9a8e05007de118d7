package keel.log;

import keel.index.FileAllocator;

import java.util.function.BiFunction;

/**
 * Settings of a {@link LogManager} besides the default log configuration, with Kafka's broker key names in the
 * Javadoc. Immutable; thread-safe. Setters return a modified copy.
 */
public final class LogManagerOptions {
    private static final LogManagerOptions DEFAULTS = new LogManagerOptions(LogOptions.defaults(), 300_000L,
        1_000L, 60_000L, 0L, null);

    private final LogOptions logOptions;
    private final long retentionCheckIntervalMs;
    private final long flushSchedulerIntervalMs;
    private final long checkpointIntervalMs;
    private final long minFreeBytes;
    private final BiFunction<String, LogConfig, LogConfig> topicConfigs;

    private LogManagerOptions(final LogOptions logOptions, final long retentionCheckIntervalMs,
                              final long flushSchedulerIntervalMs, final long checkpointIntervalMs,
                              final long minFreeBytes, final BiFunction<String, LogConfig, LogConfig> topicConfigs) {
        this.logOptions = logOptions;
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.flushSchedulerIntervalMs = flushSchedulerIntervalMs;
        this.checkpointIntervalMs = checkpointIntervalMs;
        this.minFreeBytes = minFreeBytes;
        this.topicConfigs = topicConfigs;
    }

    /**
     * @return retention checked every 5 minutes, flush.ms checked every second, checkpoints every minute.
     */
    public static LogManagerOptions defaults() {
        return DEFAULTS;
    }

    public LogOptions logOptions() {
        return logOptions;
    }

    public LogManagerOptions logOptions(final LogOptions options) {
        return new LogManagerOptions(options, retentionCheckIntervalMs, flushSchedulerIntervalMs,
            checkpointIntervalMs, minFreeBytes, topicConfigs);
    }

    /**
     * @return {@code log.retention.check.interval.ms}.
     */
    public long retentionCheckIntervalMs() {
        return retentionCheckIntervalMs;
    }

    public LogManagerOptions retentionCheckIntervalMs(final long ms) {
        return new LogManagerOptions(logOptions, positive("log.retention.check.interval.ms", ms),
            flushSchedulerIntervalMs, checkpointIntervalMs, minFreeBytes, topicConfigs);
    }

    /**
     * @return {@code log.flush.scheduler.interval.ms}: how often logs are checked against {@code flush.ms}.
     */
    public long flushSchedulerIntervalMs() {
        return flushSchedulerIntervalMs;
    }

    public LogManagerOptions flushSchedulerIntervalMs(final long ms) {
        return new LogManagerOptions(logOptions, retentionCheckIntervalMs,
            positive("log.flush.scheduler.interval.ms", ms), checkpointIntervalMs, minFreeBytes, topicConfigs);
    }

    /**
     * @return {@code log.flush.offset.checkpoint.interval.ms}: how often recovery points are checkpointed.
     */
    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    public LogManagerOptions checkpointIntervalMs(final long ms) {
        return new LogManagerOptions(logOptions, retentionCheckIntervalMs, flushSchedulerIntervalMs,
            positive("log.flush.offset.checkpoint.interval.ms", ms), minFreeBytes, topicConfigs);
    }

    /**
     * @return below this many free bytes in the data directory, appends are refused with KAFKA_STORAGE_ERROR
     *     before the disk is full (0: no threshold).
     */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    public LogManagerOptions minFreeBytes(final long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("Invalid value " + bytes + " for log.dir.min.free.bytes: allowed [0, "
                + Long.MAX_VALUE + "]");
        }
        return new LogManagerOptions(logOptions, retentionCheckIntervalMs, flushSchedulerIntervalMs,
            checkpointIntervalMs, bytes, topicConfigs);
    }

    /**
     * @return the configuration of a topic's logs found on disk at open, from the topic name and the default
     *     configuration (null: the default for every topic).
     */
    public BiFunction<String, LogConfig, LogConfig> topicConfigs() {
        return topicConfigs;
    }

    public LogManagerOptions topicConfigs(final BiFunction<String, LogConfig, LogConfig> configs) {
        return new LogManagerOptions(logOptions, retentionCheckIntervalMs, flushSchedulerIntervalMs,
            checkpointIntervalMs, minFreeBytes, configs);
    }

    private static long positive(final String key, final long ms) {
        if (ms < 1) {
            throw new IllegalArgumentException("Invalid value " + ms + " for " + key + ": allowed [1, "
                + Long.MAX_VALUE + "]");
        }
        return ms;
    }

    /**
     * @param allocator the allocator every log uses (a seam for full-disk tests).
     * @return a copy with the allocator set on the log options.
     */
    public LogManagerOptions allocator(final FileAllocator allocator) {
        return logOptions(logOptions.allocator(allocator));
    }
}
