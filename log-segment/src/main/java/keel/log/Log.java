package keel.log;

import keel.index.CorruptIndexException;
import keel.index.SegmentFileNames;
import keel.log.internal.ProducerStateManager;
import keel.log.internal.ProducerStateResult;
import keel.log.internal.RecoveryResult;
import keel.log.internal.Segment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log of one partition: an ordered list of segments in one directory named {@code <topic>-<partition>},
 * in Kafka's on-disk format. It assigns offsets, rolls segments, serves reads bounded by an upper offset (the
 * high watermark for consumers), answers offset-for-timestamp queries, truncates, applies retention and the
 * flush policy, and recovers after a crash from the recovery point on.
 *
 * <p>One writer at a time (appends, rolls, truncation and retention take an internal lock), any number of
 * lock-free readers. The writer copies batches into the active segment, then publishes the new log end with a
 * volatile store; readers load the log end first and read only below it, so they never see a half-written
 * batch. Segments are reference counted: a reader reserves the segment it reads, and retention or truncation
 * frees a segment's files and mappings only when its last reader has released it.
 *
 * <p>Embedders normally open logs through {@link LogManager}, which keeps the recovery-point and log-start
 * checkpoints and the clean-shutdown marker of a data directory.
 */
public final class Log implements AutoCloseable {
    /** ListOffsets: the log start offset. */
    public static final long EARLIEST_TIMESTAMP = -2L;
    /** ListOffsets: the log end offset. */
    public static final long LATEST_TIMESTAMP = -1L;
    /** ListOffsets: the offset of the record with the largest timestamp (KIP-734). */
    public static final long MAX_TIMESTAMP = -3L;

    private static final Logger LOG = LoggerFactory.getLogger(Log.class);
    private static final Segment[] NO_SEGMENTS = new Segment[0];

    private final Path dir;
    private final String topic;
    private final int partition;
    private final LogOptions options;
    private final Time time;
    private final ProducerStateManager producerState;
    private final ReentrantLock lock = new ReentrantLock();
    private final RecordBatchView writerView = new RecordBatchView();
    private final ProducerStateResult duplicate = new ProducerStateResult();
    private final AppendResult convenienceResult = new AppendResult();
    private final Object tailMonitor = new Object();
    private final AtomicInteger tailWaiters = new AtomicInteger();
    private final Object flushLock = new Object();
    private volatile LogConfig config;
    private volatile Segment[] segments = NO_SEGMENTS;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile boolean closed;
    private volatile String refuseAppendsReason;
    private long unflushedRecords;
    /** Largest timestamp of the batches being appended, from validation to the roll check; writer only. */
    private long appendMaxTimestamp;
    private long lastFlushMs;

    private Log(final Path dir, final String topic, final int partition, final LogConfig config,
                final LogOptions options, final ProducerStateManager producerState) {
        this.dir = dir;
        this.topic = topic;
        this.partition = partition;
        this.config = config;
        this.options = options;
        this.time = options.time();
        this.producerState = producerState;
    }

    /**
     * Opens (or creates) the log in {@code dir}, whose name must be {@code <topic>-<partition>}.
     *
     * @param dir               the partition directory.
     * @param config            the log's configuration.
     * @param options           clock, allocator, background executor, error handler.
     * @param recoveryPoint     offsets below it are known to be on disk: their segments are not recovered.
     * @param logStartOffset    the checkpointed log start offset (0 if unknown).
     * @param hadCleanShutdown  true when the data directory's clean-shutdown marker was present: no recovery.
     * @return the open log.
     * @throws IOException if the directory cannot be read, or recovery cannot prove what is correct.
     */
    public static Log open(final Path dir, final LogConfig config, final LogOptions options, final long recoveryPoint,
                           final long logStartOffset, final boolean hadCleanShutdown) throws IOException {
        final String name = dir.getFileName().toString();
        final int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("Log directory name " + name + " is not <topic>-<partition>");
        }
        final int partition;
        try {
            partition = Integer.parseInt(name.substring(dash + 1));
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException("Log directory name " + name + " is not <topic>-<partition>", ex);
        }
        Files.createDirectories(dir);
        final ProducerStateManager producerState = ProducerStateManager.open(dir, options.producerIdExpirationMs(),
            options.time()::milliseconds);
        final Log log = new Log(dir, name.substring(0, dash), partition, config, options, producerState);
        log.load(recoveryPoint, logStartOffset, hadCleanShutdown);
        return log;
    }

    /**
     * Opens a log for a tool or a standalone embedder: every segment is recovered (CRC checked, indexes rebuilt).
     *
     * @param dir    the partition directory.
     * @param config the log's configuration.
     * @return the open log.
     * @throws IOException if the directory cannot be read.
     */
    public static Log open(final Path dir, final LogConfig config) throws IOException {
        return open(dir, config, LogOptions.defaults(), 0L, 0L, false);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Loading and recovery
    // ---------------------------------------------------------------------------------------------------------

    private void load(final long checkpointedRecoveryPoint, final long checkpointedLogStart,
                      final boolean hadCleanShutdown) throws IOException {
        final List<Segment> loaded = new ArrayList<>();
        boolean done = false;
        try {
            loadSegments(checkpointedRecoveryPoint, checkpointedLogStart, hadCleanShutdown, loaded);
            done = true;
        } finally {
            if (!done) {
                releaseAfterFailedLoad(loaded);
            }
        }
    }

    /**
     * A failed open (a full disk when an index or the active segment is allocated, an unreadable file) leaves the
     * files as a crash would, which the next open recovers, and keeps none of them open or mapped.
     */
    private void releaseAfterFailedLoad(final List<Segment> loaded) {
        final Set<Segment> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.addAll(loaded);
        owned.addAll(Arrays.asList(segments));
        for (final Segment segment : owned) {
            if (!segment.isDeleted()) {
                segment.release();
            }
        }
        segments = NO_SEGMENTS;
        closed = true;
        producerState.close();
    }

    private void loadSegments(final long checkpointedRecoveryPoint, final long checkpointedLogStart,
                              final boolean hadCleanShutdown, final List<Segment> loaded) throws IOException {
        final long nowMs = time.milliseconds();
        final LogConfig cfg = config;
        // 1. remove what an interrupted deletion or write left behind
        final List<Long> baseOffsets = removeLeftoversAndListSegments();
        // 2. open every segment, recovering those past the recovery point and those whose index is damaged
        long truncatedBytes = 0;
        int recovered = 0;
        for (int i = 0; i < baseOffsets.size(); i++) {
            final long base = baseOffsets.get(i);
            final boolean indexesMissing = !Files.exists(Segment.file(dir, base, SegmentFileNames.INDEX_SUFFIX))
                || !Files.exists(Segment.file(dir, base, SegmentFileNames.TIME_INDEX_SUFFIX));
            final Segment segment = Segment.open(dir, base, cfg.segmentIndexBytes(), cfg.indexIntervalBytes(),
                options.allocator(), nowMs);
            loaded.add(segment);
            final long nextBase = i + 1 < baseOffsets.size() ? baseOffsets.get(i + 1) : Long.MAX_VALUE;
            final boolean pastRecoveryPoint = !hadCleanShutdown && nextBase > checkpointedRecoveryPoint;
            if (pastRecoveryPoint || indexesMissing || !indexesSane(segment)) {
                final RecoveryResult result = segment.recover(writerView);
                recovered++;
                if (result.truncatedBytes() > 0) {
                    LOG.warn("Recovery of {} cut {} bytes of torn or corrupt data ({}) after {} valid batches "
                            + "({} bytes); the log ends at offset {}", result.file(), result.truncatedBytes(),
                        ErrorCode.name(result.reason()), result.batches(), result.validBytes(), result.nextOffset());
                    truncatedBytes += result.truncatedBytes();
                    // 3. a cut segment makes every later segment unreachable: delete them, as Kafka does
                    truncatedBytes += deleteSegmentsAfter(baseOffsets, i, loaded, nowMs);
                    break;
                }
            } else {
                segment.loadStats(writerView);
            }
        }
        // 4. make the last segment active, creating the first one if the log is empty
        if (loaded.isEmpty()) {
            loaded.add(Segment.create(dir, Math.max(0, checkpointedLogStart), cfg.segmentBytes(),
                cfg.segmentIndexBytes(), cfg.indexIntervalBytes(), options.allocator(), nowMs));
        } else {
            loaded.get(loaded.size() - 1).makeActive(cfg.segmentBytes(), cfg.segmentIndexBytes());
        }
        segments = loaded.toArray(NO_SEGMENTS);
        final Segment active = loaded.get(loaded.size() - 1);
        logEndOffset = active.size() == 0 ? Math.max(active.baseOffset(), previousNextOffset(loaded))
            : active.nextOffset();
        logStartOffset = Math.max(checkpointedLogStart, loaded.get(0).baseOffset());
        if (logStartOffset > logEndOffset) {
            truncateFullyAndStartAt(logStartOffset);
        }
        recoveryPoint = hadCleanShutdown ? logEndOffset : Math.min(checkpointedRecoveryPoint, logEndOffset);
        lastFlushMs = nowMs;
        // 5. rebuild the idempotent-producer state from the latest snapshot and the batches after it
        rebuildProducerState(logEndOffset);
        LOG.info("Loaded log {} with {} segments, log start {}, log end {}, {} segments recovered, {} bytes cut",
            dir, loaded.size(), logStartOffset, logEndOffset, recovered, truncatedBytes);
    }

    private static long previousNextOffset(final List<Segment> loaded) {
        return loaded.size() < 2 ? 0 : loaded.get(loaded.size() - 2).nextOffset();
    }

    private List<Long> removeLeftoversAndListSegments() throws IOException {
        final List<Long> baseOffsets = new ArrayList<>();
        final List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String fileName = file.getFileName().toString();
                if (fileName.endsWith(SegmentFileNames.DELETED_SUFFIX) || fileName.endsWith(".tmp")
                    || fileName.endsWith(SegmentFileNames.CLEANED_SUFFIX)
                    || fileName.endsWith(SegmentFileNames.SWAP_SUFFIX)) {
                    leftovers.add(file);
                } else if (fileName.endsWith(SegmentFileNames.LOG_SUFFIX)) {
                    baseOffsets.add(SegmentFileNames.parseBaseOffset(fileName));
                }
            }
        }
        for (final Path leftover : leftovers) {
            LOG.info("Deleting {} left by an interrupted operation", leftover);
            Files.deleteIfExists(leftover);
        }
        // index files without a log file are stale: a segment created in a crashed roll
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String fileName = file.getFileName().toString();
                if (fileName.endsWith(SegmentFileNames.INDEX_SUFFIX)
                    || fileName.endsWith(SegmentFileNames.TIME_INDEX_SUFFIX)) {
                    final long base = SegmentFileNames.parseBaseOffset(fileName);
                    if (!baseOffsets.contains(base)) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
        baseOffsets.sort(Long::compare);
        return baseOffsets;
    }

    private static boolean indexesSane(final Segment segment) {
        try {
            segment.offsetIndex().sanityCheck();
            segment.timeIndex().sanityCheck();
            final int entries = segment.offsetIndex().entries();
            return entries == 0 || segment.offsetIndex().position(entries - 1) < segment.size();
        } catch (final CorruptIndexException ex) {
            LOG.warn("Rebuilding the indexes of {}: {}", segment.logFile(), ex.getMessage());
            return false;
        }
    }

    private long deleteSegmentsAfter(final List<Long> baseOffsets, final int index, final List<Segment> loaded,
                                     final long nowMs) throws IOException {
        long bytes = 0;
        for (int j = index + 1; j < baseOffsets.size(); j++) {
            final Segment later = Segment.open(dir, baseOffsets.get(j), config.segmentIndexBytes(),
                config.indexIntervalBytes(), options.allocator(), nowMs);
            bytes += later.size();
            LOG.warn("Deleting segment {} ({} bytes): it follows a segment that recovery cut", later.logFile(),
                later.size());
            later.markDeleted();
        }
        return bytes;
    }

    private void rebuildProducerState(final long upToOffset) throws IOException {
        final long from = producerState.loadFromSnapshot(logStartOffset, upToOffset);
        final Segment[] segs = segments;
        for (final Segment segment : segs) {
            if (segment.nextOffset() <= from || segment.size() == 0) {
                continue;
            }
            final MappedByteBuffer buffer = segment.mapForRead();
            int position = 0;
            final int size = segment.size();
            while (position < size) {
                writerView.wrap(buffer, position);
                if (writerView.lastOffset() >= from && hasProducerSequence(writerView)) {
                    producerState.update(writerView.producerId(), writerView.producerEpoch(),
                        writerView.baseSequence(), writerView.lastSequence(), writerView.baseOffset(),
                        writerView.lastOffset(), writerView.maxTimestamp(), writerView.maxTimestamp());
                }
                position += writerView.sizeInBytes();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accessors
    // ---------------------------------------------------------------------------------------------------------

    public Path dir() {
        return dir;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public LogConfig config() {
        return config;
    }

    /**
     * Applies a new configuration (topic-level config changes); sizes apply from the next segment on.
     *
     * @param newConfig the configuration.
     */
    public void updateConfig(final LogConfig newConfig) {
        config = newConfig;
    }

    /**
     * @return the offset of the first record that can be read.
     */
    public long logStartOffset() {
        return logStartOffset;
    }

    /**
     * @return the offset the next record will get.
     */
    public long logEndOffset() {
        return logEndOffset;
    }

    /**
     * @return every offset below it is on disk (fsync'ed); recovery after a crash starts there.
     */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    /**
     * @return the bytes of all segments.
     */
    public long sizeInBytes() {
        long total = 0;
        for (final Segment segment : segments) {
            total += segment.size();
        }
        return total;
    }

    /**
     * @return the number of segments.
     */
    public int segmentCount() {
        return segments.length;
    }

    /**
     * @return the base offsets of the segments, oldest first.
     */
    public long[] segmentBaseOffsets() {
        final Segment[] segs = segments;
        final long[] bases = new long[segs.length];
        for (int i = 0; i < segs.length; i++) {
            bases[i] = segs[i].baseOffset();
        }
        return bases;
    }

    /**
     * @param producerId an idempotent producer's id.
     * @return its current epoch, or -1 when the log has no state for it.
     */
    public short producerEpoch(final long producerId) {
        return producerState.producerEpoch(producerId);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Append
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Appends one or more v2 record batches as the leader: validates every batch (nothing is written unless all
     * are valid), assigns offsets by writing each batch's baseOffset in place, stamps the leader epoch (and the
     * time, for a LogAppendTime log), checks idempotent producers' sequences, and publishes.
     *
     * @param records     the batches, between position and limit; their headers are modified in place.
     * @param leaderEpoch the partition leader epoch to stamp.
     * @param result      filled with the offsets, or the error.
     * @return {@link ErrorCode#NONE} (also for a duplicate, whose original offsets are in the result) or the error.
     */
    public int tryAppendAsLeader(final ByteBuffer records, final int leaderEpoch, final AppendResult result) {
        return append(records, leaderEpoch, true, result);
    }

    /**
     * Appends batches as a follower: offsets and epochs are the leader's and are kept as they are.
     *
     * @param records the batches, between position and limit.
     * @param result  filled with the offsets, or the error.
     * @return {@link ErrorCode#NONE} or the error.
     */
    public int tryAppendAsFollower(final ByteBuffer records, final AppendResult result) {
        return append(records, RecordBatchFormat.NO_PARTITION_LEADER_EPOCH, false, result);
    }

    /**
     * Convenience for embedders: appends batches (for example from {@link RecordBatchBuilder#build()}).
     *
     * @param records the batches, between position and limit.
     * @return the offset of the first record appended.
     * @throws KeelStorageException     on an I/O failure or a full disk.
     * @throws IllegalArgumentException when a batch is invalid, with the reason.
     */
    public long append(final ByteBuffer records) throws KeelStorageException {
        synchronized (convenienceResult) {
            final int code = tryAppendAsLeader(records, 0, convenienceResult);
            if (code == ErrorCode.KAFKA_STORAGE_ERROR) {
                throw new KeelStorageException(convenienceResult.errorMessage(), dir, null);
            }
            if (code != ErrorCode.NONE) {
                throw new IllegalArgumentException(ErrorCode.name(code) + ": " + convenienceResult.errorMessage());
            }
            return convenienceResult.firstOffset();
        }
    }

    private int append(final ByteBuffer records, final int leaderEpoch, final boolean asLeader,
                       final AppendResult result) {
        result.reset();
        final int code;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("Log " + dir + " is closed");
            }
            final String refused = refuseAppendsReason;
            code = refused != null ? result.fail(ErrorCode.KAFKA_STORAGE_ERROR, refused)
                : appendLocked(records, leaderEpoch, asLeader, result);
        } finally {
            lock.unlock();
        }
        if (code == ErrorCode.NONE) {
            signalTail();
        }
        return code;
    }

    private int appendLocked(final ByteBuffer records, final int leaderEpoch, final boolean asLeader,
                             final AppendResult result) {
        final LogConfig cfg = config;
        final int start = records.position();
        final int end = records.limit();
        // 1. validate every batch before writing any
        final int code = validateBatches(records, start, end, cfg, asLeader, result);
        if (code != ErrorCode.NONE || result.isDuplicate() || start == end) {
            return code;
        }
        final long nowMs = time.milliseconds();
        try {
            // 2. roll when the batches do not fit, an index is full, the segment is old, or offsets would overflow
            final int totalBytes = end - start;
            final long lastOffset = asLeader ? logEndOffset + result.recordCountDelta() - 1 : lastOffsetOf(records,
                start, end);
            final long messageTimestamp = cfg.messageTimestampTypeLogAppend() ? nowMs : appendMaxTimestamp;
            maybeRoll(totalBytes, lastOffset, nowMs, messageTimestamp, cfg);
            // 3. assign offsets, copy, update producer state; 4. publish
            writeBatches(records, start, end, leaderEpoch, asLeader, cfg.messageTimestampTypeLogAppend() ? nowMs
                : RecordBatchFormat.NO_TIMESTAMP, result);
        } catch (final IOException ex) {
            // the result carries the failure to the caller, which reports it once (no logging per append)
            return result.fail(ErrorCode.KAFKA_STORAGE_ERROR, "Append to " + dir + " failed: " + ex);
        }
        // 5. flush policy
        unflushedRecords += result.recordCount();
        if (unflushedRecords >= cfg.flushMessages()) {
            try {
                flush();
            } catch (final IOException ex) {
                return result.fail(ErrorCode.KAFKA_STORAGE_ERROR, "Flush of " + dir + " failed after the append: "
                    + ex.getMessage());
            }
        }
        return ErrorCode.NONE;
    }

    private int validateBatches(final ByteBuffer records, final int start, final int end, final LogConfig cfg,
                                final boolean asLeader, final AppendResult result) {
        final RecordBatchView view = writerView;
        int position = start;
        int records0 = 0;
        long expectedFollowerOffset = logEndOffset;
        long previousProducerId = RecordBatchFormat.NO_PRODUCER_ID;
        int previousLastSequence = RecordBatchFormat.NO_SEQUENCE;
        int batches = 0;
        long maxTimestamp = RecordBatchFormat.NO_TIMESTAMP;
        while (position < end) {
            view.wrap(records, position);
            // a leader checks client batches fully; a follower takes the leader's batches as stored (CRC and
            // framing), since they were checked on the leader and may hold control batches or compaction gaps
            final int code = asLeader ? view.validate(end - position, cfg.maxMessageBytes())
                : view.validateStored(end - position);
            if (code != ErrorCode.NONE) {
                return result.fail(code, describeInvalid(code, view, position, end, cfg));
            }
            if (!asLeader) {
                if (view.baseOffset() < expectedFollowerOffset) {
                    return result.fail(ErrorCode.INVALID_RECORD, "Out of order offsets in an append to " + dir
                        + ": batch base offset " + view.baseOffset() + " is below the expected "
                        + expectedFollowerOffset);
                }
                expectedFollowerOffset = view.lastOffset() + 1;
            } else if (view.producerId() >= 0) {
                final int check;
                if (view.producerId() == previousProducerId) {
                    check = view.baseSequence() == nextSequence(previousLastSequence) ? ErrorCode.NONE
                        : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
                } else {
                    check = producerState.check(view.producerId(), view.producerEpoch(), view.baseSequence(),
                        view.lastSequence(), duplicate);
                }
                if (check == ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
                    if (batches == 0) {
                        result.success(duplicate.firstOffset(), duplicate.lastOffset(), duplicate.timestampMs(),
                            duplicate.lastOffset(), RecordBatchFormat.NO_TIMESTAMP, logStartOffset, 0);
                        result.markDuplicate();
                        return ErrorCode.NONE;
                    }
                    return result.fail(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, "Batch " + batches + " of an append to "
                        + dir + " duplicates sequence " + view.baseSequence() + " of producer " + view.producerId());
                }
                if (check != ErrorCode.NONE) {
                    return result.fail(check, ErrorCode.name(check) + " for producer " + view.producerId()
                        + " epoch " + view.producerEpoch() + " sequence " + view.baseSequence() + " in " + dir);
                }
                previousProducerId = view.producerId();
                previousLastSequence = view.lastSequence();
            }
            records0 += view.lastOffsetDelta() + 1;
            maxTimestamp = Math.max(maxTimestamp, view.maxTimestamp());
            position += view.sizeInBytes();
            batches++;
        }
        if (end - start > cfg.segmentBytes()) {
            return result.fail(ErrorCode.RECORD_LIST_TOO_LARGE, "Append of " + (end - start) + " bytes to " + dir
                + " is larger than segment.bytes=" + cfg.segmentBytes());
        }
        result.recordCountDelta(records0);
        appendMaxTimestamp = maxTimestamp;
        return ErrorCode.NONE;
    }

    /**
     * Idempotent data batches carry a producer id and a sequence; transaction markers (control batches) carry the
     * producer id with sequence -1 and do not take part in sequence checks.
     */
    private static boolean hasProducerSequence(final RecordBatchView view) {
        return view.producerId() >= 0 && view.baseSequence() >= 0 && !view.isControl();
    }

    private static int nextSequence(final int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    private String describeInvalid(final int code, final RecordBatchView view, final int position, final int end,
                                   final LogConfig cfg) {
        if (code == ErrorCode.MESSAGE_TOO_LARGE) {
            return "Batch of " + view.sizeInBytes() + " bytes is larger than max.message.bytes="
                + cfg.maxMessageBytes() + " in an append to " + dir;
        }
        return ErrorCode.name(code) + ": invalid batch at byte " + position + " of an append of " + end
            + " bytes to " + dir + ": " + view.errorMessage();
    }

    private long lastOffsetOf(final ByteBuffer records, final int start, final int end) {
        int position = start;
        long last = -1;
        while (position < end) {
            writerView.wrap(records, position);
            last = writerView.lastOffset();
            position += writerView.sizeInBytes();
        }
        return last;
    }

    private void maybeRoll(final int totalBytes, final long lastOffset, final long nowMs, final long messageTimestamp,
                           final LogConfig cfg) throws IOException {
        final Segment active = activeSegment();
        final boolean full = !active.hasRoomFor(totalBytes) || active.isIndexFull();
        final boolean old = active.size() > 0
            && active.timeWaitedForRollMs(nowMs, messageTimestamp) > cfg.segmentMs();
        final boolean overflow = lastOffset - active.baseOffset() > Integer.MAX_VALUE;
        if ((full || old || overflow) && active.size() > 0) {
            roll(nowMs);
        }
    }

    private void writeBatches(final ByteBuffer records, final int start, final int end, final int leaderEpoch,
                              final boolean asLeader, final long appendTimeMs, final AppendResult result) {
        final RecordBatchView view = writerView;
        final Segment active = activeSegment();
        long next = logEndOffset;
        long first = -1;
        long maxTimestamp = RecordBatchFormat.NO_TIMESTAMP;
        long offsetOfMax = -1;
        int count = 0;
        int position = start;
        while (position < end) {
            view.wrap(records, position);
            if (asLeader) {
                view.setBaseOffset(next);
                view.setPartitionLeaderEpoch(leaderEpoch);
                if (appendTimeMs >= 0) {
                    view.setLogAppendTime(appendTimeMs);
                }
            }
            final int size = view.sizeInBytes();
            final long lastOffset = view.lastOffset();
            if (first < 0) {
                first = view.baseOffset();
            }
            if (view.maxTimestamp() > maxTimestamp) {
                maxTimestamp = view.maxTimestamp();
                offsetOfMax = lastOffset;
            }
            active.append(records, position, size, lastOffset, view.maxTimestamp());
            if (hasProducerSequence(view)) {
                producerState.update(view.producerId(), view.producerEpoch(), view.baseSequence(),
                    view.lastSequence(), view.baseOffset(), lastOffset, view.maxTimestamp(), time.milliseconds());
            }
            count += view.lastOffsetDelta() + 1;
            next = lastOffset + 1;
            position += size;
        }
        active.publish();
        // release store: readers that see the new log end see the batches and the published segment size
        logEndOffset = next;
        active.maybePretouch(options.pretouchExecutor(), options.pretouchBytes());
        result.success(first, next - 1, maxTimestamp, offsetOfMax, appendTimeMs, logStartOffset, count);
    }

    private Segment activeSegment() {
        final Segment[] segs = segments;
        return segs[segs.length - 1];
    }

    /**
     * Rolls to a new active segment at the log end offset, even if the current one has room.
     *
     * @throws IOException if the new segment cannot be created (full disk): the current one stays active.
     */
    public void roll() throws IOException {
        lock.lock();
        try {
            if (activeSegment().size() > 0) {
                roll(time.milliseconds());
            }
        } finally {
            lock.unlock();
        }
    }

    private void roll(final long nowMs) throws IOException {
        final LogConfig cfg = config;
        final Segment old = activeSegment();
        final long newBase = logEndOffset;
        // 1. snapshot the producer state at the new base offset, so recovery replays at most the active segment;
        //    its fsync runs with the segment's flush below (a torn snapshot fails its CRC and an older one is used)
        producerState.takeSnapshot(newBase, false);
        // 2. create the new segment first: a full disk fails here and leaves the old segment active and intact
        final Segment created = Segment.create(dir, newBase, cfg.segmentBytes(), cfg.segmentIndexBytes(),
            cfg.indexIntervalBytes(), options.allocator(), nowMs);
        // 3. finish the old segment: final time index entry, files trimmed to their real sizes
        old.onBecomeInactive();
        // 4. publish the new segment list
        final Segment[] segs = segments;
        final Segment[] next = Arrays.copyOf(segs, segs.length + 1);
        next[segs.length] = created;
        segments = next;
        LOG.debug("Rolled {} to a new segment at offset {}", dir, newBase);
        // 5. flush the finished segment off the writer's path, then advance the recovery point
        options.background().execute(() -> {
            try {
                producerState.flushSnapshot(newBase);
                flushUpTo(newBase);
            } catch (final IOException ex) {
                options.errorHandler().onError(ex);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Read
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Reads whole batches from the one segment that holds {@code offset}: up to {@code maxBytes} (the first batch
     * even if larger when {@code minOneBatch}, KIP-74) and never a batch with an offset at or above
     * {@code maxOffsetExclusive}. The result holds a reservation on the segment until {@link ReadResult#release()}.
     * Lock-free; allocates nothing.
     *
     * @param offset             the first offset wanted.
     * @param maxBytes           the byte limit.
     * @param maxOffsetExclusive the high watermark for consumers, the log end for followers.
     * @param minOneBatch        return the first batch even when it is larger than {@code maxBytes}.
     * @param result             filled with the file region (size 0 when there is nothing to read).
     * @return {@link ErrorCode#NONE}, {@link ErrorCode#OFFSET_OUT_OF_RANGE} or
     *     {@link ErrorCode#KAFKA_STORAGE_ERROR}.
     */
    public int read(final long offset, final int maxBytes, final long maxOffsetExclusive, final boolean minOneBatch,
                    final ReadResult result) {
        result.release();
        while (true) {
            // acquire: the log end is loaded first, so every segment and byte below it is visible
            final long end = logEndOffset;
            final long start = logStartOffset;
            result.offsets(start, end);
            if (offset < start || offset > end) {
                return ErrorCode.OFFSET_OUT_OF_RANGE;
            }
            final long limitOffset = Math.min(maxOffsetExclusive, end);
            if (offset >= limitOffset) {
                return ErrorCode.NONE;
            }
            final Segment[] segs = segments;
            int index = Math.max(0, floorSegment(segs, offset));
            boolean retry = false;
            for (; index < segs.length; index++) {
                final Segment segment = segs[index];
                if (!segment.tryReserve()) {
                    retry = true;
                    break;
                }
                final int code = readFrom(segment, offset, maxBytes, limitOffset, minOneBatch, result);
                if (result.sizeInBytes() > 0 || code != ErrorCode.NONE || result.firstOffset() >= 0) {
                    return code;
                }
            }
            if (!retry) {
                return ErrorCode.NONE;
            }
        }
    }

    private static int readFrom(final Segment segment, final long offset, final int maxBytes, final long limitOffset,
                                final boolean minOneBatch, final ReadResult result) {
        boolean keep = false;
        try {
            final int limit = segment.size();
            final RecordBatchView view = result.view();
            final int startPosition = segment.translateOffset(offset, result.lookup(), view, limit);
            if (startPosition < 0) {
                return ErrorCode.NONE;
            }
            final MappedByteBuffer buffer = segment.mapForRead();
            int position = startPosition;
            int total = 0;
            long firstOffset = -1;
            while (position + RecordBatchFormat.LOG_OVERHEAD <= limit) {
                view.wrap(buffer, position);
                final int size = view.sizeInBytes();
                if (view.lastOffset() >= limitOffset || (long) position + size > limit) {
                    break;
                }
                if ((long) total + size > maxBytes && !(total == 0 && minOneBatch)) {
                    break;
                }
                if (firstOffset < 0) {
                    firstOffset = view.baseOffset();
                }
                total += size;
                position += size;
            }
            if (total == 0) {
                // there is data at this offset but none that fits the limits: an empty answer, not the next segment
                result.set(null, startPosition, 0, view.baseOffset());
                return ErrorCode.NONE;
            }
            result.set(segment, startPosition, total, firstOffset);
            keep = true;
            return ErrorCode.NONE;
        } catch (final IOException ex) {
            return ErrorCode.KAFKA_STORAGE_ERROR;
        } finally {
            if (!keep) {
                segment.release();
            }
        }
    }

    /**
     * Convenience for embedders: copies whole batches from {@code offset} up to the log end.
     *
     * @param offset   the first offset wanted.
     * @param maxBytes the byte limit (the first batch is returned even when larger).
     * @return the batches, position 0, limit their size; empty at the log end.
     * @throws IOException if the offset is out of range or the file cannot be read.
     */
    public ByteBuffer readBatches(final long offset, final int maxBytes) throws IOException {
        try (ReadResult result = new ReadResult()) {
            final int code = read(offset, maxBytes, Long.MAX_VALUE, true, result);
            if (code != ErrorCode.NONE) {
                throw new IOException(ErrorCode.name(code) + ": offset " + offset + " is outside " + dir + " ["
                    + result.logStartOffset() + ", " + result.logEndOffset() + "]");
            }
            final ByteBuffer copy = ByteBuffer.allocate(result.sizeInBytes());
            result.readFully(copy);
            copy.flip();
            return copy;
        }
    }

    /**
     * Waits, without spinning, until the log end passes {@code offset}: the tail of an embedded reader.
     *
     * @param offset    wait until {@code logEndOffset() > offset}.
     * @param timeoutMs how long to wait at most.
     * @return true if the log end passed {@code offset}, false on timeout or close.
     * @throws InterruptedException if the thread is interrupted.
     */
    public boolean awaitLogEnd(final long offset, final long timeoutMs) throws InterruptedException {
        if (logEndOffset > offset) {
            return true;
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        tailWaiters.incrementAndGet();
        try {
            synchronized (tailMonitor) {
                while (logEndOffset <= offset && !closed) {
                    final long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(tailMonitor, remaining);
                }
            }
            return logEndOffset > offset;
        } finally {
            tailWaiters.decrementAndGet();
        }
    }

    private void signalTail() {
        // volatile load after the log end store: a waiter that registered before it is woken, one that
        // registers after it sees the new log end before it waits
        if (tailWaiters.get() > 0) {
            synchronized (tailMonitor) {
                tailMonitor.notifyAll();
            }
        }
    }

    /**
     * ListOffsets: the earliest, latest or max-timestamp offset, or the first offset whose record timestamp is
     * at or after a time.
     *
     * @param timestampMs {@link #EARLIEST_TIMESTAMP}, {@link #LATEST_TIMESTAMP}, {@link #MAX_TIMESTAMP} or a time.
     * @param out         filled with the offset (-1 when no record matches) and its timestamp.
     * @return {@link ErrorCode#NONE} or {@link ErrorCode#KAFKA_STORAGE_ERROR}.
     */
    public int offsetForTimestamp(final long timestampMs, final OffsetAndTimestamp out) {
        if (timestampMs == EARLIEST_TIMESTAMP) {
            out.set(logStartOffset, RecordBatchFormat.NO_TIMESTAMP);
            return ErrorCode.NONE;
        }
        if (timestampMs == LATEST_TIMESTAMP) {
            out.set(logEndOffset, RecordBatchFormat.NO_TIMESTAMP);
            return ErrorCode.NONE;
        }
        try {
            return timestampMs == MAX_TIMESTAMP ? maxTimestampOffset(out) : firstOffsetAtOrAfter(timestampMs, out);
        } catch (final IOException ex) {
            options.errorHandler().onError(ex);
            return ErrorCode.KAFKA_STORAGE_ERROR;
        }
    }

    /**
     * The first record with the largest timestamp among the records at or above the log start. Only a segment that
     * starts below the log start can hold records below it, whose timestamps its max-so-far may include: such a
     * segment is scanned from the log start; every other segment answers from its max-so-far, and only the best one
     * is scanned for the record's offset.
     */
    private int maxTimestampOffset(final OffsetAndTimestamp out) throws IOException {
        out.set(-1, RecordBatchFormat.NO_TIMESTAMP);
        final long start = logStartOffset;
        final Segment[] segs = segments;
        Segment best = null;
        for (final Segment segment : segs) {
            if (segment.maxTimestampSoFar() < 0 || segment.nextOffset() <= start) {
                continue;
            }
            if (segment.baseOffset() < start) {
                if (segment.maxTimestampSoFar() > out.timestampMs() && segment.tryReserve()) {
                    try {
                        maxAtOrAfter(segment, start, out);
                    } finally {
                        segment.release();
                    }
                }
            } else if (segment.maxTimestampSoFar() > out.timestampMs() && (best == null
                || segment.maxTimestampSoFar() > best.maxTimestampSoFar())) {
                best = segment;
            }
        }
        if (best == null || !best.tryReserve()) {
            return ErrorCode.NONE;
        }
        try {
            final long target = best.maxTimestampSoFar();
            return scanForTimestamp(best, best.offsetOfMaxTimestampSoFar(), target, true, out);
        } finally {
            best.release();
        }
    }

    /**
     * Sets {@code out} to the first record of {@code segment} at or above {@code from} with the largest timestamp
     * there, if that timestamp is larger than the one {@code out} holds. A batch that starts below {@code from} is
     * opened to take the max of its records from {@code from} on (a Snappy or Zstandard one answers with its max).
     */
    private void maxAtOrAfter(final Segment segment, final long from, final OffsetAndTimestamp out)
        throws IOException {
        final RecordBatchView view = new RecordBatchView();
        final long end = logEndOffset;
        final int limit = segment.size();
        final int start = segment.translateOffset(from, new keel.index.OffsetPosition(), view, limit);
        if (start < 0) {
            return;
        }
        final MappedByteBuffer buffer = segment.mapForRead();
        long bestTimestamp = out.timestampMs();
        int bestPosition = -1;
        try (RecordReader reader = new RecordReader()) {
            for (int position = start; position + RecordBatchFormat.LOG_OVERHEAD <= limit;
                 position += view.sizeInBytes()) {
                view.wrap(buffer, position);
                if (view.baseOffset() >= end) {
                    break;
                }
                long max = view.maxTimestamp();
                if (view.baseOffset() < from && reader.tryOpen(view) == ErrorCode.NONE) {
                    max = RecordBatchFormat.NO_TIMESTAMP;
                    while (reader.next()) {
                        if (reader.record().offset() >= from) {
                            max = Math.max(max, reader.record().timestamp());
                        }
                    }
                }
                if (max > bestTimestamp) {
                    bestTimestamp = max;
                    bestPosition = position;
                }
            }
        }
        if (bestPosition >= 0) {
            view.wrap(buffer, bestPosition);
            findRecord(view, bestTimestamp, true, from, out);
        }
    }

    private int firstOffsetAtOrAfter(final long timestampMs, final OffsetAndTimestamp out) throws IOException {
        out.set(-1, RecordBatchFormat.NO_TIMESTAMP);
        final Segment[] segs = segments;
        for (final Segment segment : segs) {
            if (segment.maxTimestampSoFar() < timestampMs || !segment.tryReserve()) {
                continue;
            }
            try {
                final keel.index.TimestampOffset floor = new keel.index.TimestampOffset();
                segment.timeIndex().lookup(timestampMs, floor);
                // an entry damaged in a way the sanity check cannot see would start the scan past the match
                final long entryOffset = floor.offset() > segment.baseOffset() && !isTimeIndexTarget(segment, floor)
                    ? segment.baseOffset() : floor.offset();
                final long from = Math.max(entryOffset, logStartOffset);
                scanForTimestamp(segment, from, timestampMs, false, out);
                if (out.offset() >= 0) {
                    return ErrorCode.NONE;
                }
            } finally {
                segment.release();
            }
        }
        return ErrorCode.NONE;
    }

    /**
     * Whether a time index entry agrees with the batch holding its offset: Kafka's and Keel's entries name the
     * last offset of the first batch that reached the entry's timestamp as its max, so that batch's max timestamp
     * is the entry's timestamp.
     */
    private static boolean isTimeIndexTarget(final Segment segment, final keel.index.TimestampOffset entry)
        throws IOException {
        final RecordBatchView view = new RecordBatchView();
        final int position = segment.translateOffset(entry.offset(), new keel.index.OffsetPosition(), view,
            segment.size());
        if (position < 0) {
            return false;
        }
        view.wrap(segment.mapForRead(), position);
        return view.baseOffset() <= entry.offset() && entry.offset() <= view.lastOffset()
            && view.maxTimestamp() == entry.timestamp();
    }

    /**
     * Scans the batches of a segment from the one holding {@code fromOffset} for the first batch whose max
     * timestamp reaches {@code target}, then its records for the exact offset.
     */
    private int scanForTimestamp(final Segment segment, final long fromOffset, final long target,
                                 final boolean exactMax, final OffsetAndTimestamp out) throws IOException {
        final RecordBatchView view = new RecordBatchView();
        final long end = logEndOffset;
        final long floor = logStartOffset;
        final int limit = segment.size();
        final int start = segment.translateOffset(fromOffset, new keel.index.OffsetPosition(), view, limit);
        if (start < 0) {
            return ErrorCode.NONE;
        }
        final MappedByteBuffer buffer = segment.mapForRead();
        int position = start;
        while (position + RecordBatchFormat.LOG_OVERHEAD <= limit) {
            view.wrap(buffer, position);
            if (view.baseOffset() >= end) {
                break;
            }
            final boolean match = exactMax ? view.maxTimestamp() == target : view.maxTimestamp() >= target;
            // a batch that straddles the log start may match only through records below it: then read on
            if (match && view.lastOffset() >= floor && findRecord(view, target, exactMax, floor, out)) {
                return ErrorCode.NONE;
            }
            position += view.sizeInBytes();
        }
        return ErrorCode.NONE;
    }

    /**
     * The first record of the batch at or after {@code target} (or exactly at it, for MAX_TIMESTAMP) and at or
     * after {@code floor} (the log start). A Snappy or Zstandard batch cannot be opened by Keel's reader: its first
     * offset at or above the floor and its max timestamp answer instead, which a consumer seeking there reads from
     * without losing a record.
     *
     * @return false when no record at or above the floor matches (the batch matched through records below it).
     */
    private static boolean findRecord(final RecordBatchView view, final long target, final boolean exactMax,
                                      final long floor, final OffsetAndTimestamp out) {
        try (RecordReader reader = new RecordReader()) {
            if (reader.tryOpen(view) != ErrorCode.NONE) {
                out.set(Math.max(view.baseOffset(), floor), view.maxTimestamp());
                return true;
            }
            while (reader.next()) {
                final RecordView record = reader.record();
                final boolean match = exactMax ? record.timestamp() == target : record.timestamp() >= target;
                if (match && record.offset() >= floor) {
                    out.set(record.offset(), record.timestamp());
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Truncation, retention, log start
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Removes every record at {@code offset} and above (a follower cutting a divergent tail).
     *
     * @param offset the new log end offset.
     * @throws IOException if the files cannot be changed.
     */
    public void truncateTo(final long offset) throws IOException {
        lock.lock();
        try {
            if (offset >= logEndOffset) {
                return;
            }
            if (offset <= logStartOffset) {
                truncateFullyAndStartAt(offset);
                return;
            }
            // 1. delete the segments that start at or after the offset
            Segment[] segs = segments;
            int keep = segs.length;
            while (keep > 1 && segs[keep - 1].baseOffset() >= offset) {
                keep--;
            }
            final Segment[] remaining = Arrays.copyOf(segs, keep);
            final Segment last = remaining[keep - 1];
            // 2. make the segment holding the offset active again and cut it
            if (keep < segs.length) {
                last.makeActive(config.segmentBytes(), config.segmentIndexBytes());
            }
            // 3. publish the lower log end before the bytes go, so readers stop at it
            logEndOffset = offset;
            segments = remaining;
            for (int i = keep; i < segs.length; i++) {
                segs[i].markDeleted();
            }
            last.truncateTo(offset, writerView);
            // 4. rebuild the producer state up to the new end
            producerState.truncateTo(offset);
            rebuildProducerState(offset);
            if (recoveryPoint > offset) {
                recoveryPoint = offset;
            }
            LOG.info("Truncated {} to offset {}", dir, offset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every segment and starts the log empty at {@code offset} (a follower far behind a leader whose log
     * start moved past it).
     *
     * @param offset the new log start and end offset.
     * @throws IOException if the files cannot be changed.
     */
    public void truncateFullyAndStartAt(final long offset) throws IOException {
        lock.lock();
        try {
            final Segment[] old = segments;
            // a segment that starts at the offset owns the file name a new one would need: it is emptied instead
            Segment reused = null;
            for (final Segment segment : old) {
                if (segment.baseOffset() == offset) {
                    reused = segment;
                }
            }
            final Segment created;
            if (reused == null) {
                created = Segment.create(dir, offset, config.segmentBytes(), config.segmentIndexBytes(),
                    config.indexIntervalBytes(), options.allocator(), time.milliseconds());
            } else {
                if (reused != old[old.length - 1]) {
                    reused.makeActive(config.segmentBytes(), config.segmentIndexBytes());
                }
                created = reused;
            }
            logEndOffset = offset;
            logStartOffset = offset;
            segments = new Segment[] {created};
            for (final Segment segment : old) {
                if (segment != created) {
                    segment.markDeleted();
                }
            }
            if (reused != null) {
                reused.truncateTo(offset, writerView);
            }
            producerState.truncateFullyAndStartAt(offset);
            recoveryPoint = offset;
            LOG.info("Truncated {} fully; it now starts at offset {}", dir, offset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * DeleteRecords: advances the log start offset and deletes the segments wholly below it.
     *
     * @param offset the new log start offset.
     * @return {@link ErrorCode#NONE}, or {@link ErrorCode#OFFSET_OUT_OF_RANGE} when above the log end.
     * @throws IOException if a segment cannot be deleted.
     */
    public int deleteRecordsBefore(final long offset) throws IOException {
        lock.lock();
        try {
            if (offset > logEndOffset) {
                return ErrorCode.OFFSET_OUT_OF_RANGE;
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                deleteSegmentsBelowLogStart();
            }
            return ErrorCode.NONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies retention: deletes whole segments older than {@code retention.ms}, beyond {@code retention.bytes},
     * or wholly below the log start offset. The active segment goes too when it is expired (a new empty one
     * replaces it), as in Kafka.
     *
     * @return the number of segments deleted.
     * @throws IOException if a segment cannot be deleted or rolled.
     */
    public int deleteOldSegments() throws IOException {
        lock.lock();
        try {
            final LogConfig cfg = config;
            final long nowMs = time.milliseconds();
            int deleted = deleteSegmentsBelowLogStart();
            if (cfg.retentionMs() >= 0) {
                deleted += deleteWhile(segment -> nowMs - segment.largestTimestamp() > cfg.retentionMs(), nowMs);
            }
            if (cfg.retentionBytes() >= 0) {
                final long[] excess = {sizeInBytes() - cfg.retentionBytes()};
                deleted += deleteWhile(segment -> {
                    if (excess[0] - segment.size() >= 0) {
                        excess[0] -= segment.size();
                        return true;
                    }
                    return false;
                }, nowMs);
            }
            if (deleted > 0) {
                producerState.deleteSnapshotsBefore(logStartOffset);
                LOG.info("Retention deleted {} segments of {}; log start is now {}", deleted, dir, logStartOffset);
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    private interface SegmentPredicate {
        boolean test(Segment segment) throws IOException;
    }

    private int deleteWhile(final SegmentPredicate predicate, final long nowMs) throws IOException {
        int deleted = 0;
        while (true) {
            final Segment[] segs = segments;
            final Segment oldest = segs[0];
            if (oldest.size() == 0 || !predicate.test(oldest)) {
                return deleted;
            }
            if (segs.length == 1) {
                roll(nowMs);
            }
            final Segment[] remaining = Arrays.copyOfRange(segments, 1, segments.length);
            segments = remaining;
            logStartOffset = Math.max(logStartOffset, remaining[0].baseOffset());
            oldest.markDeleted();
            deleted++;
        }
    }

    private int deleteSegmentsBelowLogStart() throws IOException {
        int deleted = 0;
        while (segments.length > 1 && segments[1].baseOffset() <= logStartOffset) {
            final Segment oldest = segments[0];
            segments = Arrays.copyOfRange(segments, 1, segments.length);
            oldest.markDeleted();
            deleted++;
        }
        return deleted;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Flush and close
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Forces every record appended so far to disk and advances the recovery point.
     *
     * @throws IOException if the sync fails.
     */
    public void flush() throws IOException {
        flushUpTo(logEndOffset);
    }

    /**
     * Flushes when {@code flush.ms} has passed since the last flush; called by the log manager's scheduler.
     *
     * @throws IOException if the sync fails.
     */
    public void maybeFlushByTime() throws IOException {
        final long nowMs = time.milliseconds();
        final long flushMs = config.flushMs();
        if (flushMs != Long.MAX_VALUE && nowMs - lastFlushMs >= flushMs && logEndOffset > recoveryPoint) {
            flush();
        }
    }

    private void flushUpTo(final long offset) throws IOException {
        final long from = recoveryPoint;
        if (offset <= from) {
            return;
        }
        final Segment[] segs = segments;
        for (int i = Math.max(0, floorSegment(segs, from)); i < segs.length && segs[i].baseOffset() < offset; i++) {
            final Segment segment = segs[i];
            if (segment.tryReserve()) {
                try {
                    segment.flush();
                } finally {
                    segment.release();
                }
            }
        }
        synchronized (flushLock) {
            if (offset > recoveryPoint) {
                recoveryPoint = offset;
            }
            lastFlushMs = time.milliseconds();
            unflushedRecords = 0;
        }
    }

    /**
     * Closes the log cleanly: writes a producer-state snapshot at the log end, trims the active segment's files
     * and releases every segment (mappings go when the last reader is done). Idempotent.
     *
     * @throws IOException if a file cannot be trimmed or the snapshot cannot be written.
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            try {
                producerState.takeSnapshot(logEndOffset);
            } catch (final IOException ex) {
                failure = ex;
            }
            for (final Segment segment : segments) {
                try {
                    segment.close();
                } catch (final IOException ex) {
                    if (failure == null) {
                        failure = ex;
                    } else {
                        failure.addSuppressed(ex);
                    }
                }
            }
            producerState.close();
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
            synchronized (tailMonitor) {
                tailMonitor.notifyAll();
            }
        }
    }

    /**
     * Closes the log and deletes its directory (DeleteTopics).
     *
     * @throws IOException if the files cannot be deleted.
     */
    public void delete() throws IOException {
        lock.lock();
        try {
            closed = true;
            for (final Segment segment : segments) {
                segment.markDeleted();
            }
            segments = NO_SEGMENTS;
            producerState.close();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses appends with KAFKA_STORAGE_ERROR while {@code reason} is not null (free space below the threshold).
     *
     * @param reason why, or null to accept appends again.
     */
    void refuseAppends(final String reason) {
        refuseAppendsReason = reason;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Index of the segment with the largest base offset at or below {@code offset}, or -1.
     */
    private static int floorSegment(final Segment[] segs, final long offset) {
        int low = 0;
        int high = segs.length - 1;
        int found = -1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            if (segs[mid].baseOffset() <= offset) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "Log{dir=" + dir + ", logStartOffset=" + logStartOffset + ", logEndOffset=" + logEndOffset
            + ", segments=" + segments.length + '}';
    }
}
