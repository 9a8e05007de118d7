package keel.log;

import keel.log.internal.OffsetCheckpointFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The logs of one data directory (one entry of Kafka's {@code log.dirs}), with the directory-level state in
 * Kafka's files: {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and the
 * clean-shutdown marker {@code .kafka_cleanshutdown}. On open it loads every {@code <topic>-<partition>}
 * directory, recovering only past each log's recovery point (everything when the marker is absent); a
 * background thread applies retention, the {@code flush.ms} policy, the free-space threshold and checkpoints.
 * Thread-safe.
 */
public final class LogManager implements AutoCloseable {
    public static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final Path dataDir;
    private final LogConfig defaults;
    private final LogManagerOptions options;
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;
    private final ScheduledExecutorService scheduler;
    private final LogOptions logOptions;
    private volatile boolean closed;

    private LogManager(final Path dataDir, final LogConfig defaults, final LogManagerOptions options,
                       final ScheduledExecutorService scheduler) {
        this.dataDir = dataDir;
        this.defaults = defaults;
        this.options = options;
        this.scheduler = scheduler;
        this.recoveryPoints = new OffsetCheckpointFile(dataDir.resolve(RECOVERY_POINT_CHECKPOINT));
        this.logStartOffsets = new OffsetCheckpointFile(dataDir.resolve(LOG_START_OFFSET_CHECKPOINT));
        this.logOptions = options.logOptions().background(scheduler);
    }

    /**
     * Opens a data directory, creating it if needed, and loads every log in it.
     *
     * @param dataDir  the data directory.
     * @param defaults the configuration of logs without a topic-specific one.
     * @param options  scheduler intervals, clock, allocator, topic configurations.
     * @return the manager, with its background tasks started.
     * @throws IOException if the directory or a log cannot be loaded.
     */
    public static LogManager open(final Path dataDir, final LogConfig defaults, final LogManagerOptions options)
        throws IOException {
        Files.createDirectories(dataDir);
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "keel-log-scheduler-" + dataDir.getFileName());
            thread.setDaemon(true);
            return thread;
        });
        final LogManager manager = new LogManager(dataDir, defaults, options, scheduler);
        boolean done = false;
        try {
            manager.loadLogs();
            manager.startTasks();
            done = true;
            return manager;
        } finally {
            if (!done) {
                scheduler.shutdownNow();
            }
        }
    }

    /**
     * Opens a data directory with the default options.
     *
     * @param dataDir  the data directory.
     * @param defaults the default log configuration.
     * @return the manager.
     * @throws IOException if a log cannot be loaded.
     */
    public static LogManager open(final Path dataDir, final LogConfig defaults) throws IOException {
        return open(dataDir, defaults, LogManagerOptions.defaults());
    }

    private void loadLogs() throws IOException {
        final Path marker = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
        final boolean clean = Files.exists(marker);
        final Map<String, Long> points = recoveryPoints.read();
        final Map<String, Long> starts = logStartOffsets.read();
        final List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (final Path child : children) {
                final String name = child.getFileName().toString();
                if (name.endsWith("-delete")) {
                    deleteRecursively(child);
                } else if (isPartitionDirName(name)) {
                    dirs.add(child);
                }
            }
        }
        if (dirs.isEmpty()) {
            LOG.info("No logs in {} yet", dataDir);
        } else {
            LOG.info("Loading {} logs of {} after {} shutdown", dirs.size(), dataDir, clean ? "a clean"
                : "an unclean (or no recorded)");
        }
        for (final Path dir : dirs) {
            final String name = dir.getFileName().toString();
            final String topic = name.substring(0, name.lastIndexOf('-'));
            final Log log = Log.open(dir, configFor(topic), logOptions, points.getOrDefault(name, 0L),
                starts.getOrDefault(name, 0L), clean);
            logs.put(name, log);
        }
        // the marker says "nothing to recover": it must not survive into a run that may crash
        Files.deleteIfExists(marker);
        OffsetCheckpointFile.flushDirectory(dataDir);
    }

    private LogConfig configFor(final String topic) {
        return options.topicConfigs() == null ? defaults : options.topicConfigs().apply(topic, defaults);
    }

    private static boolean isPartitionDirName(final String name) {
        final int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return false;
        }
        for (int i = dash + 1; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private void startTasks() {
        scheduler.scheduleWithFixedDelay(this::applyRetention, options.retentionCheckIntervalMs(),
            options.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::flushByTime, options.flushSchedulerIntervalMs(),
            options.flushSchedulerIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::checkpointQuietly, options.checkpointIntervalMs(),
            options.checkpointIntervalMs(), TimeUnit.MILLISECONDS);
        if (options.minFreeBytes() > 0) {
            scheduler.scheduleWithFixedDelay(this::checkFreeSpace, 0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Returns the log of a partition, creating it with {@code config} if it does not exist.
     *
     * @param topic     the topic.
     * @param partition the partition.
     * @param config    the configuration for a new log.
     * @return the log.
     * @throws IOException if the log cannot be created.
     */
    public synchronized Log getOrCreate(final String topic, final int partition, final LogConfig config)
        throws IOException {
        checkOpen();
        final String name = topic + '-' + partition;
        final Log existing = logs.get(name);
        if (existing != null) {
            return existing;
        }
        final Log log = Log.open(dataDir.resolve(name), config, logOptions, 0L, 0L, false);
        logs.put(name, log);
        return log;
    }

    /**
     * @param topic     the topic.
     * @param partition the partition.
     * @return the log, or null when there is none.
     */
    public Log get(final String topic, final int partition) {
        return logs.get(topic + '-' + partition);
    }

    /**
     * @return every log of the directory.
     */
    public Collection<Log> logs() {
        return new ArrayList<>(logs.values());
    }

    /**
     * Deletes a partition's log and its directory.
     *
     * @param topic     the topic.
     * @param partition the partition.
     * @throws IOException if the files cannot be deleted.
     */
    public synchronized void delete(final String topic, final int partition) throws IOException {
        final Log log = logs.remove(topic + '-' + partition);
        if (log != null) {
            log.delete();
            deleteRecursively(log.dir());
            LOG.info("Deleted log {}", log.dir());
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Writes the recovery-point and log-start-offset checkpoints of every log now.
     *
     * @throws IOException if a checkpoint cannot be written.
     */
    public void checkpoint() throws IOException {
        final Map<String, Long> points = new LinkedHashMap<>();
        final Map<String, Long> starts = new LinkedHashMap<>();
        for (final Map.Entry<String, Log> entry : logs.entrySet()) {
            points.put(entry.getKey(), entry.getValue().recoveryPoint());
            starts.put(entry.getKey(), entry.getValue().logStartOffset());
        }
        recoveryPoints.write(points);
        logStartOffsets.write(starts);
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (final IOException | RuntimeException ex) {
            options.logOptions().errorHandler().onError(ex);
            LOG.error("Checkpointing {} failed", dataDir, ex);
        }
    }

    private void applyRetention() {
        for (final Log log : logs.values()) {
            try {
                log.deleteOldSegments();
            } catch (final IOException | RuntimeException ex) {
                options.logOptions().errorHandler().onError(ex);
                LOG.error("Retention of {} failed", log.dir(), ex);
            }
        }
    }

    private void flushByTime() {
        for (final Log log : logs.values()) {
            try {
                log.maybeFlushByTime();
            } catch (final IOException | RuntimeException ex) {
                options.logOptions().errorHandler().onError(ex);
                LOG.error("Flush of {} failed", log.dir(), ex);
            }
        }
    }

    private void checkFreeSpace() {
        try {
            final long usable = Files.getFileStore(dataDir).getUsableSpace();
            final String reason = usable < options.minFreeBytes() ? "Free space in " + dataDir + " is " + usable
                + " bytes, below log.dir.min.free.bytes=" + options.minFreeBytes() : null;
            for (final Log log : logs.values()) {
                log.refuseAppends(reason);
            }
        } catch (final IOException | RuntimeException ex) {
            options.logOptions().errorHandler().onError(ex);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Log manager of " + dataDir + " is closed");
        }
    }

    /**
     * Closes every log cleanly (snapshots, trimmed files), writes the checkpoints with each log's end as its
     * recovery point after a flush, and writes the clean-shutdown marker. Idempotent.
     *
     * @throws IOException if a log cannot be flushed or closed; the marker is then not written.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (final InterruptedException ex) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        IOException failure = null;
        for (final Log log : logs.values()) {
            try {
                log.flush();
                log.close();
            } catch (final IOException ex) {
                LOG.error("Closing log {} failed", log.dir(), ex);
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        checkpoint();
        Files.createFile(dataDir.resolve(CLEAN_SHUTDOWN_FILE));
        OffsetCheckpointFile.flushDirectory(dataDir);
        LOG.info("Closed logs of {} cleanly", dataDir);
    }

    static void deleteRecursively(final Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
