package keel.log.internal;

import keel.index.FileAllocator;
import keel.index.MappedFiles;
import keel.index.SegmentFileNames;
import keel.index.OffsetIndex;
import keel.index.OffsetPosition;
import keel.index.TimeIndex;
import keel.index.TimestampOffset;
import keel.log.ErrorCode;
import keel.log.RecordBatchFormat;
import keel.log.RecordBatchView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One segment of a partition log: {@code <base>.log} holding concatenated v2 record batches, with its sparse
 * offset index ({@code .index}) and time index ({@code .timeindex}), all in Kafka's layout.
 *
 * <p>One writer (holding the partition lock), any number of readers. The writer copies each batch into a
 * whole-file memory mapping of the {@code .log} file, which is preallocated to {@code segment.bytes} with real
 * blocks, so a full disk fails at roll time (an {@link IOException} from the allocator) and never as a SIGBUS
 * inside the mapping. It then updates the indexes and publishes the new size with a volatile store; readers
 * read only below the published size: batch headers through the same mapping, bytes through the file channel
 * (pread or sendfile), which share the page cache with the mapping.
 *
 * <p>Lifetime: the owning log holds one reference; every reader reserves the segment ({@link #tryReserve()})
 * for the duration of one read. The mapping, the index mappings and the channel are released only when the
 * count reaches zero, because touching an unmapped region kills the JVM. A deleted segment's files are renamed
 * to {@code .deleted} at once and removed when the last reader releases it.
 *
 * <p>Crash behaviour: after an unclean shutdown the owning log calls {@link #recover(RecordBatchView)} on every
 * segment past the recovery point; it re-validates every batch (CRC-32C), rebuilds both indexes and cuts the
 * file at the first invalid batch.
 */
public final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
    private static final int ZERO_PAGE = 4096;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();
    private static final int PAGE = 4096;
    private static final int PRETOUCH_CHUNK = 1024 * 1024;
    /** Atomic int access to the mapping, for the pre-touch compare-and-set (the mapping is page-aligned). */
    private static final VarHandle INT_VIEW = MethodHandles.byteBufferViewVarHandle(int[].class,
        ByteOrder.BIG_ENDIAN);

    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final FileAllocator allocator;
    private final AtomicInteger refCount = new AtomicInteger(1);
    private final AtomicBoolean pretouchScheduled = new AtomicBoolean();
    private final Runnable pretoucher = this::pretouch;
    private volatile int pretouchedUpTo;
    private volatile int pretouchTarget;
    /** The writer outran the pre-toucher in this segment; writer only. */
    private boolean pretouchOvertaken;
    private final int indexIntervalBytes;
    private final int maxIndexBytes;
    private volatile Path logFile;
    private volatile MappedByteBuffer map;
    /** Mappings replaced by {@link #makeActive}; guarded by {@code this}, unmapped with the segment's resources. */
    private final List<MappedByteBuffer> retiredMaps = new ArrayList<>();
    private volatile int size;
    private volatile long maxTimestampSoFar = RecordBatchFormat.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestampSoFar = -1;
    private volatile boolean deleted;
    private volatile boolean writable;
    private volatile int capacity;
    private int bytesSinceLastIndexEntry;
    private int pendingBytes;
    private long nextOffset;
    private long rollingBasedTimestamp = RecordBatchFormat.NO_TIMESTAMP;
    private final long createdMs;

    private Segment(final long baseOffset, final Path logFile, final FileChannel channel, final MappedByteBuffer map,
                    final int size, final boolean writable, final OffsetIndex offsetIndex, final TimeIndex timeIndex,
                    final FileAllocator allocator, final int indexIntervalBytes, final int maxIndexBytes,
                    final long createdMs) {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.map = map;
        this.size = size;
        this.writable = writable;
        this.capacity = map == null ? size : map.capacity();
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.allocator = allocator;
        this.indexIntervalBytes = indexIntervalBytes;
        this.maxIndexBytes = maxIndexBytes;
        this.createdMs = createdMs;
        this.nextOffset = baseOffset;
    }

    /**
     * Creates a new, empty, writable segment. Never overwrites: an existing {@code .log} file is an error.
     *
     * @param dir          the partition directory.
     * @param baseOffset   the first offset the segment will hold.
     * @param segmentBytes the size to preallocate.
     * @param indexBytes   the size to preallocate for each index.
     * @param indexInterval bytes of log between index entries.
     * @param allocator    allocates real blocks.
     * @param nowMs        the creation time, for {@code segment.ms}.
     * @return the segment.
     * @throws IOException if the files cannot be created or the disk is full; nothing is left behind then.
     */
    public static Segment create(final Path dir, final long baseOffset, final int segmentBytes, final int indexBytes,
                                 final int indexInterval, final FileAllocator allocator, final long nowMs)
        throws IOException {
        final Path logFile = file(dir, baseOffset, SegmentFileNames.LOG_SUFFIX);
        if (Files.exists(logFile)) {
            throw new IOException("Segment file already exists: " + logFile + "; refusing to overwrite it");
        }
        FileChannel channel = null;
        MappedByteBuffer map = null;
        OffsetIndex offsetIndex = null;
        TimeIndex timeIndex = null;
        boolean done = false;
        try {
            channel = FileChannel.open(logFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            allocator.allocate(logFile, channel, segmentBytes);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, segmentBytes);
            // no readahead on the writer's and pre-toucher's first-touch faults: see MappedFiles.adviseRandom
            MappedFiles.adviseRandom(map);
            final Path indexFile = file(dir, baseOffset, SegmentFileNames.INDEX_SUFFIX);
            final Path timeIndexFile = file(dir, baseOffset, SegmentFileNames.TIME_INDEX_SUFFIX);
            Files.deleteIfExists(indexFile);
            Files.deleteIfExists(timeIndexFile);
            offsetIndex = OffsetIndex.open(indexFile, baseOffset, indexBytes, true, allocator);
            timeIndex = TimeIndex.open(timeIndexFile, baseOffset, indexBytes, true, allocator);
            final Segment segment = new Segment(baseOffset, logFile, channel, map, 0, true, offsetIndex, timeIndex,
                allocator, indexInterval, indexBytes, nowMs);
            done = true;
            return segment;
        } finally {
            if (!done) {
                // a live mapping keeps the deleted file's blocks allocated: on a full disk, exactly the space needed
                MappedFiles.unmap(map);
                closeQuietly(offsetIndex);
                closeQuietly(timeIndex);
                closeQuietly(channel);
                Files.deleteIfExists(logFile);
                Files.deleteIfExists(file(dir, baseOffset, SegmentFileNames.INDEX_SUFFIX));
                Files.deleteIfExists(file(dir, baseOffset, SegmentFileNames.TIME_INDEX_SUFFIX));
            }
        }
    }

    /**
     * Opens an existing segment read-only (its mapping is made on first read). Call {@link #recover} or
     * {@link #loadStats} next, and {@link #makeActive} if it becomes the active segment.
     *
     * @param dir           the partition directory.
     * @param baseOffset    the base offset from the file name.
     * @param indexBytes    the size of an index when it becomes writable.
     * @param indexInterval bytes of log between index entries.
     * @param allocator     allocates real blocks.
     * @param nowMs         the open time, the creation time for {@code segment.ms} when the segment is empty.
     * @return the segment.
     * @throws IOException if a file cannot be opened.
     */
    public static Segment open(final Path dir, final long baseOffset, final int indexBytes, final int indexInterval,
                               final FileAllocator allocator, final long nowMs) throws IOException {
        final Path logFile = file(dir, baseOffset, SegmentFileNames.LOG_SUFFIX);
        FileChannel channel = null;
        OffsetIndex offsetIndex = null;
        boolean done = false;
        try {
            channel = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final long fileSize = channel.size();
            if (fileSize > Integer.MAX_VALUE) {
                throw new IOException("Segment file " + logFile + " is " + fileSize + " bytes, over the 2 GiB limit");
            }
            offsetIndex = OffsetIndex.open(file(dir, baseOffset, SegmentFileNames.INDEX_SUFFIX), baseOffset,
                indexBytes, false, allocator);
            final TimeIndex timeIndex = TimeIndex.open(file(dir, baseOffset, SegmentFileNames.TIME_INDEX_SUFFIX),
                baseOffset, indexBytes, false, allocator);
            final Segment segment = new Segment(baseOffset, logFile, channel, null, (int) fileSize, false,
                offsetIndex, timeIndex, allocator, indexInterval, indexBytes, nowMs);
            done = true;
            return segment;
        } finally {
            if (!done) {
                closeQuietly(offsetIndex);
                closeQuietly(channel);
            }
        }
    }

    /**
     * @param dir        the partition directory.
     * @param baseOffset the segment's base offset.
     * @param suffix     one of {@link SegmentFileNames}' suffixes.
     * @return the path of that segment file.
     */
    public static Path file(final Path dir, final long baseOffset, final String suffix) {
        return dir.resolve(SegmentFileNames.fileName(baseOffset, suffix));
    }

    public long baseOffset() {
        return baseOffset;
    }

    /**
     * @return the published size in bytes: everything below it is whole, valid batches.
     */
    public int size() {
        return size;
    }

    public FileChannel channel() {
        return channel;
    }

    public Path logFile() {
        return logFile;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /**
     * @return the offset after the last batch of the segment (the base offset when empty); writer only.
     */
    public long nextOffset() {
        return nextOffset;
    }

    public long maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    public long offsetOfMaxTimestampSoFar() {
        return offsetOfMaxTimestampSoFar;
    }

    /**
     * @return the largest timestamp in the segment, or the file's modification time when it has none (Kafka's
     *     rule for time-based retention).
     * @throws IOException if the modification time cannot be read.
     */
    public long largestTimestamp() throws IOException {
        final long max = maxTimestampSoFar;
        return max >= 0 ? max : Files.getLastModifiedTime(logFile).toMillis();
    }

    /**
     * Kafka's rule ({@code LogSegment.timeWaitedForRoll}): time counts in the records' own timestamps when the
     * segment's first batch has one, so that batches carrying old timestamps (a replay, a mirror, a producer with a
     * skewed clock) do not roll a segment at every append; only a segment without timestamps counts wall time since
     * its creation.
     *
     * @param nowMs              the current time.
     * @param messageTimestampMs the largest timestamp of the batches about to be appended (the append time for a
     *                           LogAppendTime log).
     * @return how long the segment has waited for a time-based roll.
     */
    public long timeWaitedForRollMs(final long nowMs, final long messageTimestampMs) {
        return rollingBasedTimestamp >= 0 ? messageTimestampMs - rollingBasedTimestamp : nowMs - createdMs;
    }

    /**
     * @param bytes the size of the next append.
     * @return true when the writable segment has room for it.
     */
    public boolean hasRoomFor(final int bytes) {
        return writable && (long) size + bytes <= capacity;
    }

    /**
     * @return true when either index cannot take another entry.
     */
    public boolean isIndexFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /**
     * Copies one batch into the mapping and updates the indexes; the batch is not visible to readers until
     * {@link #publish()}. Writer only; the caller has checked {@link #hasRoomFor(int)}.
     *
     * @param src          the buffer holding the batch, whose baseOffset is already assigned.
     * @param srcPosition  the batch's position in {@code src}.
     * @param length       the batch's size in bytes.
     * @param lastOffset   the batch's last offset.
     * @param maxTimestamp the batch's max timestamp.
     */
    public void append(final ByteBuffer src, final int srcPosition, final int length, final long lastOffset,
                       final long maxTimestamp) {
        final int position = size + pendingBytes;
        map.put(position, src, srcPosition, length);
        onBatchWritten(position, length, lastOffset, maxTimestamp);
        pendingBytes += length;
    }

    /**
     * Makes every appended batch visible to readers (a volatile store, ordered after the copies).
     */
    public void publish() {
        size = size + pendingBytes;
        pendingBytes = 0;
    }

    private void onBatchWritten(final int position, final int length, final long lastOffset,
                                final long maxTimestamp) {
        if (rollingBasedTimestamp < 0) {
            rollingBasedTimestamp = maxTimestamp;
        }
        if (maxTimestamp > maxTimestampSoFar) {
            maxTimestampSoFar = maxTimestamp;
            offsetOfMaxTimestampSoFar = lastOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += length;
        nextOffset = lastOffset + 1;
    }

    /**
     * Asks a background thread to fault in the pages of the mapping up to {@code aheadBytes} past the published
     * size, when less than half of that lead is left. Writer only; allocates nothing (the task is a field).
     *
     * @param executor   where the pre-touch runs.
     * @param aheadBytes how far ahead to keep the pages faulted in (0: off).
     */
    public void maybePretouch(final Executor executor, final int aheadBytes) {
        if (aheadBytes == 0 || !writable || pretouchOvertaken) {
            return;
        }
        final int touched = pretouchedUpTo;
        if (touched > 0 && size > touched + PRETOUCH_CHUNK) {
            // the writer is past the chunk being touched: from here both threads would fault the same pages, and
            // on a loaded 2-core machine that halved batched appends (docs/performance.md, AppendBenchmark with
            // pretouchBytes 0 and 32 MiB); stop for this segment and let the writer take its own faults
            pretouchOvertaken = true;
            return;
        }
        final int target = (int) Math.min(capacity, (long) size + aheadBytes);
        if (target - pretouchedUpTo <= aheadBytes / 2 || !pretouchScheduled.compareAndSet(false, true)) {
            return;
        }
        pretouchTarget = target;
        executor.execute(pretoucher);
    }

    /**
     * Faults in each page from the writer's position to the target with a compare-and-set of 0 to 0 on the page's
     * first int: the locked instruction takes a write fault off the writer's thread, and can never overwrite data,
     * because it stores only where it reads 0 and is atomic with respect to the writer's stores into the same
     * word. Runs on the pre-touch thread holding a reservation, so the mapping cannot be released under it.
     */
    private void pretouch() {
        try {
            if (!tryReserve()) {
                return;
            }
            try {
                final int target = pretouchTarget;
                int page = Math.max(pretouchedUpTo, size) / PAGE * PAGE;
                while (page < target && touchChunk(page, target)) {
                    page = Math.min(target, page + PRETOUCH_CHUNK);
                }
            } finally {
                release();
            }
        } finally {
            pretouchScheduled.set(false);
        }
    }

    /**
     * Touches one chunk under the pre-touch lock, which {@link #onBecomeInactive()} also takes before it shrinks
     * the file: a store beyond the end of a mapped file raises SIGBUS, so the file must not shrink under the
     * pre-toucher. Chunks keep the writer's wait at a roll short.
     *
     * @return false once the segment is no longer writable.
     */
    private boolean touchChunk(final int from, final int target) {
        synchronized (pretoucher) {
            final MappedByteBuffer buffer = map;
            if (!writable || buffer == null || buffer.isReadOnly()) {
                return false;
            }
            final int end = Math.min(Math.min(target, from + PRETOUCH_CHUNK), capacity);
            int page = from;
            while (page + Integer.BYTES <= end) {
                INT_VIEW.compareAndSet(buffer, page, 0, 0);
                page += PAGE;
            }
            pretouchedUpTo = end;
            return true;
        }
    }

    /**
     * Reserves the segment for one read.
     *
     * @return false when the segment is already released (deleted or closed): the reader must look again.
     */
    public boolean tryReserve() {
        while (true) {
            final int count = refCount.get();
            if (count <= 0) {
                return false;
            }
            if (refCount.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /**
     * Ends a reservation (or the owner's reference); the last one frees the mappings and the channel, and
     * deletes the files of a deleted segment.
     */
    public void release() {
        final int count = refCount.decrementAndGet();
        if (count == 0) {
            freeResources();
        } else if (count < 0) {
            throw new IllegalStateException("Segment " + logFile + " released more often than reserved");
        }
    }

    /**
     * The mapping readers use for batch headers; mapped read-only on first use for segments opened from disk.
     *
     * @return a mapping covering at least {@link #size()} bytes.
     * @throws IOException if the file cannot be mapped.
     */
    public MappedByteBuffer mapForRead() throws IOException {
        final MappedByteBuffer current = map;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (map == null) {
                map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            return map;
        }
    }

    /**
     * @return true while this is the log's active (writable) segment.
     */
    public boolean isActive() {
        return writable;
    }

    /**
     * Asks the kernel whether a region is in the page cache ({@code mincore} through
     * {@link MappedByteBuffer#isLoaded()}): one system call, no I/O. The caller holds a reservation.
     *
     * @param position where the region starts, below {@link #size()}.
     * @param length   its length in bytes.
     * @return true when every page of the region is resident (so a sendfile of it does not wait for the disk).
     * @throws IOException if the file cannot be mapped.
     */
    public boolean isResident(final long position, final int length) throws IOException {
        return mapForRead().slice((int) position, length).isLoaded();
    }

    /**
     * Faults a region into the page cache by reading one byte of each of its pages through the mapping; blocks
     * while the disk reads. For a thread that may block, never a network thread. The caller holds a reservation.
     *
     * @param position where the region starts, below {@link #size()}.
     * @param length   its length in bytes.
     * @throws IOException if the file cannot be mapped.
     */
    public void load(final long position, final int length) throws IOException {
        mapForRead().slice((int) position, length).load();
    }

    /**
     * Finds where the first batch that holds {@code offset} or a later one starts.
     *
     * @param offset  the offset to look for.
     * @param lookup  a caller-owned holder for the index lookup.
     * @param view    a caller-owned flyweight.
     * @param limit   the published size to search below.
     * @return the position, or -1 when no batch below {@code limit} ends at or after {@code offset}.
     * @throws IOException if the file cannot be mapped.
     */
    public int translateOffset(final long offset, final OffsetPosition lookup, final RecordBatchView view,
                               final int limit) throws IOException {
        offsetIndex.lookup(offset, lookup);
        final MappedByteBuffer buffer = mapForRead();
        int position = lookup.position();
        if (position > 0 && !isIndexTarget(buffer, position, lookup.offset(), limit, view)) {
            // an index entry damaged in a way its sanity check cannot see (still in order, inside the file) would
            // make the scan below skip batches or serve bytes from inside one: scan the segment from its start
            position = 0;
        }
        while (position + RecordBatchFormat.LOG_OVERHEAD <= limit) {
            view.wrap(buffer, position);
            final int batchSize = view.sizeInBytes();
            if (batchSize < RecordBatchFormat.RECORD_BATCH_OVERHEAD || (long) position + batchSize > limit) {
                return -1;
            }
            if (view.lastOffset() >= offset) {
                return position;
            }
            position += batchSize;
        }
        return -1;
    }

    /**
     * Whether an offset index entry {@code (entryOffset, position)} points at a batch header: magic 2, a length
     * that fits below {@code limit}, offsets in this segment and not past the entry's offset (Kafka's entries name
     * the last offset of an append that may hold several batches; Keel's, the batch's own last offset).
     */
    private boolean isIndexTarget(final ByteBuffer buffer, final int position, final long entryOffset,
                                  final int limit, final RecordBatchView view) {
        if ((long) position + RecordBatchFormat.RECORD_BATCH_OVERHEAD > limit) {
            return false;
        }
        view.wrap(buffer, position);
        final int batchSize = view.sizeInBytes();
        return view.magic() == RecordBatchFormat.MAGIC_VALUE_V2 && batchSize >= RecordBatchFormat.RECORD_BATCH_OVERHEAD
            && (long) position + batchSize <= limit && view.baseOffset() >= baseOffset
            && view.lastOffset() <= entryOffset && view.baseOffset() <= view.lastOffset();
    }

    /**
     * Re-validates every batch, rebuilds both indexes and cuts the segment at the first invalid batch. Follows
     * Kafka's recipe: reset the derived state, re-validate, rebuild, truncate, report.
     *
     * @param view a flyweight owned by the caller.
     * @return what recovery found and cut.
     * @throws IOException if the files cannot be read or written.
     */
    public RecoveryResult recover(final RecordBatchView view) throws IOException {
        // 1. reset derived state
        offsetIndex.makeWritable(maxIndexBytes);
        timeIndex.makeWritable(maxIndexBytes);
        offsetIndex.truncate();
        timeIndex.truncate();
        maxTimestampSoFar = RecordBatchFormat.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = -1;
        bytesSinceLastIndexEntry = 0;
        rollingBasedTimestamp = RecordBatchFormat.NO_TIMESTAMP;
        nextOffset = baseOffset;
        final int fileSize = (int) channel.size();
        final MappedByteBuffer buffer = fileSize == 0 ? null
            : (map != null && map.capacity() >= fileSize ? map : channel.map(FileChannel.MapMode.READ_ONLY, 0,
            fileSize));
        // 2. re-validate every batch and 3. rebuild the indexes
        int position = 0;
        int batches = 0;
        int firstError = ErrorCode.NONE;
        while (buffer != null && position + RecordBatchFormat.LOG_OVERHEAD <= fileSize) {
            view.wrap(buffer, position);
            final int code = view.validateStored(fileSize - position);
            if (code != ErrorCode.NONE) {
                firstError = code;
                break;
            }
            if (view.baseOffset() < nextOffset || view.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                firstError = ErrorCode.INVALID_RECORD;
                break;
            }
            final int batchSize = view.sizeInBytes();
            onBatchWritten(position, batchSize, view.lastOffset(), view.maxTimestamp());
            position += batchSize;
            batches++;
        }
        // 4. truncate at the first invalid batch
        final int garbageEnd = buffer == null ? position : endOfGarbage(buffer, position, fileSize);
        if (buffer != null && buffer != map) {
            MappedFiles.unmap(buffer);
        }
        final int cutBytes = garbageEnd - position;
        if (writable) {
            zero(position, garbageEnd);
        } else if (fileSize > position) {
            channel.truncate(position);
        }
        size = position;
        pendingBytes = 0;
        if (!writable) {
            if (maxTimestampSoFar >= 0) {
                timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
            }
            offsetIndex.trimToValidSize();
            timeIndex.trimToValidSize();
        }
        return new RecoveryResult(logFile, batches, position, cutBytes, fileSize - garbageEnd,
            cutBytes > 0 ? firstError : ErrorCode.NONE, nextOffset);
    }

    /**
     * Rebuilds the in-memory state (next offset, max timestamp) of a segment that needs no recovery, from the
     * last index entry on.
     *
     * @param view a flyweight owned by the caller.
     * @throws IOException if the file cannot be mapped.
     */
    public void loadStats(final RecordBatchView view) throws IOException {
        final TimestampOffset last = new TimestampOffset();
        timeIndex.lastEntry(last);
        if (last.timestamp() >= 0) {
            maxTimestampSoFar = last.timestamp();
            offsetOfMaxTimestampSoFar = last.offset();
        }
        final OffsetPosition lookup = new OffsetPosition();
        offsetIndex.lookup(Long.MAX_VALUE, lookup);
        int position = offsetIndex.entries() == 0 ? 0 : lookup.position();
        final MappedByteBuffer buffer = size == 0 ? null : mapForRead();
        while (buffer != null && position + RecordBatchFormat.LOG_OVERHEAD <= size) {
            view.wrap(buffer, position);
            final int batchSize = view.sizeInBytes();
            if (batchSize < RecordBatchFormat.RECORD_BATCH_OVERHEAD || (long) position + batchSize > size) {
                throw new IOException("Segment " + logFile + " has a malformed batch at position " + position
                    + " (size " + batchSize + ", file size " + size + "); run 'keel-log.sh recover' on it");
            }
            if (view.maxTimestamp() > maxTimestampSoFar) {
                maxTimestampSoFar = view.maxTimestamp();
                offsetOfMaxTimestampSoFar = view.lastOffset();
            }
            if (rollingBasedTimestamp < 0 && position == 0) {
                rollingBasedTimestamp = view.maxTimestamp();
            }
            nextOffset = view.lastOffset() + 1;
            position += batchSize;
            bytesSinceLastIndexEntry += batchSize;
        }
        if (rollingBasedTimestamp < 0 && size > 0) {
            view.wrap(buffer, 0);
            rollingBasedTimestamp = view.maxTimestamp();
        }
        // as in Kafka, the index interval counts from the open, so the index entries written after a restart are
        // the ones Kafka would write
        bytesSinceLastIndexEntry = 0;
    }

    /**
     * Makes the segment the active one: extends the file to {@code segmentBytes} with real blocks, maps it
     * writable and makes the indexes writable. The previous mapping is retired rather than unmapped, since a
     * concurrent reader may still use it, and unmapped when the segment's last reference is released.
     *
     * @param segmentBytes the capacity to allocate.
     * @param indexBytes   the capacity of each index.
     * @throws IOException if the disk is full or the file cannot be mapped.
     */
    public void makeActive(final int segmentBytes, final int indexBytes) throws IOException {
        final int newCapacity = Math.max(segmentBytes, size);
        allocator.allocate(logFile, channel, newCapacity);
        final MappedByteBuffer writableMap = channel.map(FileChannel.MapMode.READ_WRITE, 0, newCapacity);
        MappedFiles.adviseRandom(writableMap);
        // under the lock of mapForRead, so that a reader's first mapping cannot replace the writable one; the old
        // mapping is retired, not unmapped, since a reader may still be inside it: it goes when the last
        // reference is released (before, it stayed mapped until a GC, its blocks held if the file was deleted)
        synchronized (this) {
            final MappedByteBuffer old = map;
            map = writableMap;
            if (old != null) {
                retiredMaps.add(old);
            }
        }
        capacity = newCapacity;
        offsetIndex.makeWritable(indexBytes);
        timeIndex.makeWritable(indexBytes);
        writable = true;
    }

    /**
     * Called when the segment stops being the active one (roll or clean close): writes the final time index
     * entry and trims the three files to their real sizes. The mapping stays valid for readers below the
     * published size.
     *
     * @throws IOException if a file cannot be truncated.
     */
    public void onBecomeInactive() throws IOException {
        if (!writable) {
            return;
        }
        if (maxTimestampSoFar >= 0) {
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        synchronized (pretoucher) {
            writable = false;
            channel.truncate(size);
        }
    }

    /**
     * Removes every batch with an offset of {@code offset} or more. Writer only; the segment must be active.
     *
     * @param offset the first offset to remove.
     * @param view   a flyweight owned by the caller.
     * @return the number of bytes removed.
     * @throws IOException if the file cannot be read.
     */
    public int truncateTo(final long offset, final RecordBatchView view) throws IOException {
        if (!writable) {
            throw new IllegalStateException("Segment " + logFile + " must be active to be truncated");
        }
        final OffsetPosition lookup = new OffsetPosition();
        final int position = translateOffset(offset, lookup, view, size);
        if (position < 0) {
            return 0;
        }
        final int removed = size - position;
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        size = position;
        zero(position, position + removed);
        rescanStats(view);
        return removed;
    }

    private void rescanStats(final RecordBatchView view) throws IOException {
        maxTimestampSoFar = RecordBatchFormat.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = -1;
        rollingBasedTimestamp = RecordBatchFormat.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        nextOffset = baseOffset;
        offsetIndex.truncate();
        timeIndex.truncate();
        int position = 0;
        final MappedByteBuffer buffer = mapForRead();
        while (position < size) {
            view.wrap(buffer, position);
            final int batchSize = view.sizeInBytes();
            onBatchWritten(position, batchSize, view.lastOffset(), view.maxTimestamp());
            position += batchSize;
        }
    }

    /**
     * Forces the segment's data and indexes to disk.
     *
     * @throws IOException if the sync fails.
     */
    public void flush() throws IOException {
        final MappedByteBuffer current = map;
        if (current != null && !current.isReadOnly()) {
            current.force(0, size);
        }
        channel.force(true);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /**
     * Renames the files to {@code .deleted} and drops the owner's reference: the files go when the last
     * reader releases the segment.
     *
     * @throws IOException if a rename fails.
     */
    public void markDeleted() throws IOException {
        if (deleted) {
            return;
        }
        deleted = true;
        final Path renamed = logFile.resolveSibling(logFile.getFileName() + SegmentFileNames.DELETED_SUFFIX);
        Files.move(logFile, renamed, StandardCopyOption.ATOMIC_MOVE);
        logFile = renamed;
        offsetIndex.renameTo(offsetIndex.file().resolveSibling(offsetIndex.file().getFileName()
            + SegmentFileNames.DELETED_SUFFIX));
        timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName()
            + SegmentFileNames.DELETED_SUFFIX));
        release();
    }

    /**
     * Drops the owner's reference at a clean close, after trimming the files if the segment is active.
     *
     * @throws IOException if a file cannot be trimmed.
     */
    public void close() throws IOException {
        try {
            onBecomeInactive();
        } finally {
            release();
        }
    }

    public boolean isDeleted() {
        return deleted;
    }

    private void freeResources() {
        Throwable failure = null;
        final MappedByteBuffer current = map;
        map = null;
        if (current != null) {
            MappedFiles.unmap(current);
        }
        synchronized (this) {
            for (final MappedByteBuffer retired : retiredMaps) {
                MappedFiles.unmap(retired);
            }
            retiredMaps.clear();
        }
        failure = closeCollecting(offsetIndex, failure);
        failure = closeCollecting(timeIndex, failure);
        failure = closeCollecting(channel, failure);
        if (deleted) {
            try {
                Files.deleteIfExists(logFile);
                Files.deleteIfExists(offsetIndex.file());
                Files.deleteIfExists(timeIndex.file());
            } catch (final IOException ex) {
                failure = ex;
            }
        }
        if (failure != null) {
            LOG.warn("Releasing segment {} failed", logFile, failure);
        }
    }

    private void zero(final int from, final int to) {
        final MappedByteBuffer buffer = map;
        int position = from;
        while (position < to) {
            final int length = Math.min(ZEROS.capacity(), to - position);
            buffer.put(position, ZEROS, 0, length);
            position += length;
        }
    }

    /**
     * Past the last valid batch, the file holds either the zeroes of preallocation or garbage from a torn
     * write. Garbage ends at the first all-zero page; scanning stops there so that recovery reads only the
     * damaged part, not the whole preallocated tail. The zeroes between the last garbage byte and that page are
     * preallocation too, so the bytes reported as cut are exactly the garbage.
     */
    private static int endOfGarbage(final ByteBuffer buffer, final int from, final int fileSize) {
        int position = from;
        while (position < fileSize) {
            final int pageEnd = Math.min(fileSize, (position / ZERO_PAGE + 1) * ZERO_PAGE);
            boolean allZero = true;
            for (int i = position; i < pageEnd; i++) {
                if (buffer.get(i) != 0) {
                    allZero = false;
                    break;
                }
            }
            if (allZero) {
                return afterLastNonZero(buffer, from, position);
            }
            position = pageEnd;
        }
        return afterLastNonZero(buffer, from, fileSize);
    }

    /**
     * Steps back over zeroes; at most one page, since the page before {@code to} holds a non-zero byte.
     */
    private static int afterLastNonZero(final ByteBuffer buffer, final int from, final int to) {
        int end = to;
        while (end > from && buffer.get(end - 1) == 0) {
            end--;
        }
        return end;
    }

    private static Throwable closeCollecting(final AutoCloseable closeable, final Throwable failure) {
        try {
            closeable.close();
            return failure;
        } catch (final Exception ex) {
            if (failure != null) {
                failure.addSuppressed(ex);
                return failure;
            }
            return ex;
        }
    }

    private static void closeQuietly(final AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (final Exception ignore) {
            // cleanup after a failed open: the original exception is the one that matters
        }
    }

    @Override
    public String toString() {
        return "Segment{file=" + logFile + ", baseOffset=" + baseOffset + ", size=" + size + '}';
    }
}
