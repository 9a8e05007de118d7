package keel.index;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link OffsetIndex} and {@link TimeIndex} share: a memory-mapped file of fixed-size entries sorted by a
 * 32-bit offset relative to the segment's base offset, an entry count published to readers, and the file's life
 * cycle (preallocate, truncate, trim, resize, close, delete, rename).
 *
 * <p>One writer (holding the partition lock), any number of readers. The writer stores an entry's bytes into the
 * mapping and then publishes the new count with a volatile store; a reader loads the count once (volatile load)
 * and then reads only entries below it, so it never sees a half-written entry. Readers never lock. The mapping
 * itself is published the same way when {@link #resize(int)} replaces it; replaced mappings stay mapped until
 * {@link #close()}, whose caller guarantees that no reader is inside.
 *
 * <p>Truncation lowers the count, and the next append overwrites the slots above it: a reader must not be looking
 * past the truncation point at that time (the log lowers its published log end before truncating).
 *
 * <p>Crash behaviour: a writable index file is preallocated with real blocks to its maximum size and trimmed to
 * its entries on {@link #close()}. A file found longer than its entries (after a crash) opens with every whole
 * entry of its length counted, so {@link #sanityCheck()} fails on the zeros past the real entries and the log
 * rebuilds the index. A file whose length is not a multiple of the entry size opens with the partial tail entry
 * ignored; {@link #sanityCheck()} reports it until {@link #truncate()}, {@link #trimToValidSize()} or
 * {@link #resize(int)} rewrites the file's length.
 */
abstract class AbstractIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractIndex.class);

    private final long baseOffset;
    private final int maxIndexSizeBytes;
    /** Written by the writer only ({@link #makeWritable}); volatile so that other threads' checks see it. */
    private volatile boolean writable;
    private final FileAllocator allocator;
    private final FileChannel channel;
    private final int entrySize;
    private final int relativeOffsetField;
    private final String kind;
    /** Mappings replaced by {@link #resize(int)}: a reader may still be searching one of them until close. */
    private final List<MappedByteBuffer> retiredBuffers = new ArrayList<>();

    private volatile Path file;
    /** The current mapping; null once closed. */
    private volatile MappedByteBuffer buffer;
    /** Entries [0, entries) are fully written; stored last by the writer (release), loaded first by readers. */
    private volatile int entries;
    private volatile int maxEntries;
    /** The length found at open when it was not a multiple of the entry size, else -1. Writer only. */
    private long invalidLengthBytes;
    private boolean closed;

    /**
     * The resources {@link #openFile} acquired, handed to a constructor that does no I/O.
     */
    record MappedIndexFile(Path file, long baseOffset, int maxIndexSizeBytes, boolean writable,
                           FileAllocator allocator, FileChannel channel, MappedByteBuffer buffer, long lengthBytes) {
    }

    AbstractIndex(final MappedIndexFile opened, final int entrySize, final int relativeOffsetField,
                  final String kind) {
        this.file = opened.file();
        this.baseOffset = opened.baseOffset();
        this.maxIndexSizeBytes = opened.maxIndexSizeBytes();
        this.writable = opened.writable();
        this.allocator = opened.allocator();
        this.channel = opened.channel();
        this.buffer = opened.buffer();
        this.entrySize = entrySize;
        this.relativeOffsetField = relativeOffsetField;
        this.kind = kind;
        final int mappedEntries = opened.buffer().capacity() / entrySize;
        this.maxEntries = mappedEntries;
        this.entries = (int) Math.min(mappedEntries, opened.lengthBytes() / entrySize);
        this.invalidLengthBytes = opened.lengthBytes() % entrySize == 0 ? -1 : opened.lengthBytes();
    }

    /**
     * Opens or creates an index file and maps it. Writable: the file is allocated with real blocks to
     * {@code maxIndexSizeBytes} rounded down to whole entries (or its current whole entries, if more) and mapped
     * read-write; read-only: its whole entries are mapped read-only.
     */
    static MappedIndexFile openFile(final Path file, final long baseOffset, final int maxIndexSizeBytes,
                                    final boolean writable, final FileAllocator allocator, final int entrySize)
        throws IOException {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("baseOffset=" + baseOffset + " must not be negative, file=" + file);
        }
        if (writable && maxIndexSizeBytes < entrySize) {
            throw new IllegalArgumentException("Invalid max index size: maxIndexSizeBytes=" + maxIndexSizeBytes
                + " is less than the entry size " + entrySize + ", file=" + file);
        }
        // The channel is always read-write, so that a read-only index can become writable (a segment made active
        // again by a truncation, or rebuilt by recovery) without closing a mapping a reader may be using.
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try {
            final long lengthBytes = channel.size();
            final long wholeEntriesBytes = MappedFiles.roundDown(lengthBytes, entrySize);
            final MappedByteBuffer buffer;
            if (writable) {
                final long mapBytes = Math.max(MappedFiles.roundDown(maxIndexSizeBytes, entrySize), wholeEntriesBytes);
                allocator.allocate(file, channel, mapBytes);
                buffer = MappedFiles.map(file, channel, FileChannel.MapMode.READ_WRITE, mapBytes);
            } else {
                buffer = MappedFiles.map(file, channel, FileChannel.MapMode.READ_ONLY, wholeEntriesBytes);
            }
            LOG.debug("Opened {} writable={} lengthBytes={} mappedBytes={}", file, writable, lengthBytes,
                buffer.capacity());
            return new MappedIndexFile(file, baseOffset, maxIndexSizeBytes, writable, allocator, channel, buffer,
                lengthBytes);
        } catch (final IOException | RuntimeException ex) {
            closeAfterFailure(channel, ex);
            throw ex;
        }
    }

    /**
     * Checks the file for obvious corruption: a length that is not whole entries, offsets below the base offset,
     * and entries out of order.
     *
     * @throws CorruptIndexException naming the file and what broke
     */
    public final void sanityCheck() {
        if (invalidLengthBytes >= 0) {
            throw corrupt("has size " + invalidLengthBytes + " bytes which is not a multiple of the entry size "
                + entrySize);
        }
        final int published = entries;
        final ByteBuffer b = readerBuffer();
        final int n = visibleEntries(b, published);
        if (n == 0) {
            return;
        }
        final long lastOffset = baseOffset + relativeOffset(b, n - 1);
        if (lastOffset < baseOffset) {
            throw corrupt("has non-zero size but the last offset is " + lastOffset
                + " which is less than the base offset " + baseOffset);
        }
        final long firstOffset = baseOffset + relativeOffset(b, 0);
        if (firstOffset < baseOffset) {
            throw corrupt("has non-zero size but the first offset is " + firstOffset
                + " which is less than the base offset " + baseOffset);
        }
        checkEntryOrder(b, n);
    }

    /**
     * Checks that entries [0, n) are in the order the format requires.
     *
     * @throws CorruptIndexException on the first entry out of order
     */
    abstract void checkEntryOrder(ByteBuffer b, int n);

    /**
     * @return true if no entry can be appended (the log rolls a new segment)
     */
    public boolean isFull() {
        return entries >= maxEntries;
    }

    /**
     * @return the number of entries published
     */
    public final int entries() {
        return entries;
    }

    /**
     * @return the number of entries the current mapping and file can hold
     */
    public final int maxEntries() {
        return maxEntries;
    }

    /**
     * @return the base offset of the segment
     */
    public final long baseOffset() {
        return baseOffset;
    }

    /**
     * @return the maximum size this index was opened with
     */
    public final int maxIndexSizeBytes() {
        return maxIndexSizeBytes;
    }

    /**
     * @return the index file's current path
     */
    public final Path file() {
        return file;
    }

    /**
     * @return true if opened writable
     */
    public final boolean isWritable() {
        return writable;
    }

    /**
     * @return the number of bytes the entries use: what the file holds after {@link #trimToValidSize()}
     */
    public final long sizeInBytes() {
        return (long) entries * entrySize;
    }

    /**
     * @return the offset of the last entry, or the base offset if there is none
     */
    public final long lastOffset() {
        final int published = entries;
        final ByteBuffer b = readerBuffer();
        final int n = visibleEntries(b, published);
        return n == 0 ? baseOffset : baseOffset + relativeOffset(b, n - 1);
    }

    /**
     * @param n the entry number, below {@link #entries()}
     * @return the relative offset (offset - base offset) stored in entry n
     */
    public final int relativeOffset(final int n) {
        final int published = entries;
        final ByteBuffer b = readerBuffer();
        checkEntryNumber(n, visibleEntries(b, published));
        return relativeOffset(b, n);
    }

    /**
     * @param n the entry number, below {@link #entries()}
     * @return the offset of entry n
     */
    public final long offset(final int n) {
        return baseOffset + relativeOffset(n);
    }

    /**
     * Removes all entries whose offset is greater than or equal to {@code offset}. Truncating to an offset larger
     * than the last has no effect.
     *
     * @param offset the first offset to remove
     */
    public final void truncateTo(final long offset) {
        final ByteBuffer b = writerBuffer();
        final int n = entries;
        final int keep;
        if (offset <= baseOffset) {
            keep = 0;
        } else if (offset - baseOffset > Integer.MAX_VALUE) {
            keep = n;
        } else {
            keep = countAtOrBelow(b, n, relativeOffsetField, false, offset - baseOffset - 1);
        }
        if (keep != n) {
            truncateToEntries(keep);
        }
    }

    /**
     * Removes all entries.
     */
    public final void truncate() {
        writerBuffer();
        truncateToEntries(0);
        invalidLengthBytes = -1;
    }

    /**
     * Removes all entries and resizes the file to {@code maxIndexSizeBytes}: rebuilding the index from scratch.
     *
     * @throws IOException if the file cannot be allocated or mapped
     */
    public final void reset() throws IOException {
        truncate();
        resize(maxIndexSizeBytes);
    }

    /**
     * Shortens the file to exactly its entries. The mapping stays as it is, so that concurrent readers (which only
     * touch entries below the published count) remain safe; the index is full afterwards until resized.
     *
     * @throws IOException if the file cannot be truncated
     */
    public final void trimToValidSize() throws IOException {
        writerBuffer();
        final int n = entries;
        channel.truncate((long) n * entrySize);
        maxEntries = n;
        invalidLengthBytes = -1;
    }

    /**
     * Gives the index room for {@code newMaxSizeBytes} (rounded down to whole entries), e.g. when a rolled segment
     * becomes active again after a truncation. Grows the file with real blocks, or shortens it, and maps a new
     * buffer; the old one is not unmapped before {@link #close()}, since a reader may still be using it.
     *
     * @param newMaxSizeBytes the new maximum size in bytes, at least the size of the entries
     * @throws IOException if the file cannot be allocated, shortened or mapped
     */
    public final void resize(final int newMaxSizeBytes) throws IOException {
        final MappedByteBuffer current = writerBuffer();
        final int n = entries;
        final long newSizeBytes = MappedFiles.roundDown(newMaxSizeBytes, entrySize);
        if (newMaxSizeBytes < 0 || newSizeBytes < (long) n * entrySize) {
            throw new IllegalArgumentException("Cannot resize " + kind + " file " + file + " to newMaxSizeBytes="
                + newMaxSizeBytes + ": it holds " + n + " entries of " + entrySize + " bytes");
        }
        final long lengthBytes = channel.size();
        if (newSizeBytes > lengthBytes) {
            allocator.allocate(file, channel, newSizeBytes);
        } else if (newSizeBytes < lengthBytes) {
            channel.truncate(newSizeBytes);
        }
        if (current.capacity() != newSizeBytes || current.isReadOnly()) {
            final MappedByteBuffer resized = MappedFiles.map(file, channel, FileChannel.MapMode.READ_WRITE,
                newSizeBytes);
            retiredBuffers.add(current);
            // Volatile store: a reader that loads the new mapping also sees every entry published before it.
            buffer = resized;
        }
        maxEntries = (int) (newSizeBytes / entrySize);
        invalidLengthBytes = -1;
        LOG.debug("Resized {} to {} bytes, entries={}", file, newSizeBytes, n);
    }

    /**
     * Makes a read-only index writable (for a segment that becomes active again, or whose index recovery
     * rebuilds): allocates the file to {@code maxIndexSizeBytes} and maps it read-write. The read-only mapping is
     * retired, not unmapped, since a reader may still be searching it. No-op resize when already writable.
     *
     * @param newMaxSizeBytes the maximum size of the file while writable
     * @throws IOException if the file cannot be allocated or mapped
     */
    public final void makeWritable(final int newMaxSizeBytes) throws IOException {
        writable = true;
        resize(newMaxSizeBytes);
    }

    /**
     * Writes the mapping's dirty pages to the device. Safe from any thread while the index is open.
     */
    public final void flush() {
        final MappedByteBuffer b = buffer;
        if (writable && b != null) {
            b.force();
        }
    }

    /**
     * Renames the file. The mapping and the channel stay valid: they refer to the file, not its name.
     *
     * @param target the new path
     * @throws IOException if the file cannot be moved
     */
    public final void renameTo(final Path target) throws IOException {
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException ignore) {
            // Crossing file systems: a plain move is the best available.
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    /**
     * Trims a writable file to its entries, unmaps it and closes the channel. Idempotent. The caller guarantees
     * that no reader is inside the index: any access to an unmapped buffer crashes the JVM.
     *
     * @throws IOException if trimming or closing fails; the mapping is released anyway
     */
    @Override
    public final void close() throws IOException {
        release(writable);
    }

    /**
     * Closes the index without trimming and deletes its file.
     *
     * @throws IOException if the file does not exist or cannot be deleted
     */
    public final void closeAndDelete() throws IOException {
        release(false);
        Files.delete(file);
    }

    /**
     * Closes the index without trimming and deletes its file if it exists.
     *
     * @return true if this call deleted the file
     * @throws IOException if the file cannot be deleted
     */
    public final boolean deleteIfExists() throws IOException {
        release(false);
        return Files.deleteIfExists(file);
    }

    private void release(final boolean trim) throws IOException {
        if (closed) {
            return;
        }
        IOException failure = null;
        if (trim) {
            try {
                trimToValidSize();
            } catch (final IOException ex) {
                failure = ex;
            }
        }
        closed = true;
        final MappedByteBuffer current = buffer;
        buffer = null;
        MappedFiles.unmap(current);
        for (final MappedByteBuffer retired : retiredBuffers) {
            MappedFiles.unmap(retired);
        }
        retiredBuffers.clear();
        try {
            channel.close();
        } catch (final IOException ex) {
            if (failure == null) {
                failure = ex;
            } else {
                failure.addSuppressed(ex);
            }
        }
        LOG.debug("Closed {} with {} entries", file, entries);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "{file=" + file + ", baseOffset=" + baseOffset + ", entries=" + entries
            + ", maxEntries=" + maxEntries + ", writable=" + writable + '}';
    }

    /**
     * The buffer a reader searches: load {@link #entries} first, then call this, then bound the search with
     * {@link #visibleEntries(ByteBuffer, int)}.
     */
    final ByteBuffer readerBuffer() {
        final MappedByteBuffer b = buffer;
        if (b == null) {
            throw new IllegalStateException(kind + " file " + file + " is closed");
        }
        return b;
    }

    /**
     * The number of entries a reader may search: the published count, bounded by the mapping it loaded (which
     * may be smaller only if a truncation and a shrinking resize happened since the count was loaded).
     */
    final int visibleEntries(final ByteBuffer b, final int published) {
        return Math.min(published, b.capacity() / entrySize);
    }

    /**
     * The buffer the writer mutates.
     *
     * @throws IllegalStateException if the index is read-only or closed
     */
    final MappedByteBuffer writerBuffer() {
        if (!writable) {
            throw new IllegalStateException(kind + " file " + file + " is read-only");
        }
        final MappedByteBuffer b = buffer;
        if (b == null) {
            throw new IllegalStateException(kind + " file " + file + " is closed");
        }
        return b;
    }

    /**
     * Publishes entries [0, n): every byte of them must have been stored before this call.
     */
    final void publishEntries(final int n) {
        // Volatile store (release): the entry bytes stored above become visible before the count.
        entries = n;
    }

    /**
     * The relative offset of a new entry.
     *
     * @throws InvalidIndexAppendException if {@code offset - baseOffset} is outside [0, Integer.MAX_VALUE]
     */
    final int toRelativeOffset(final long offset, final long lastOffset) {
        if (offset < baseOffset || offset - baseOffset > Integer.MAX_VALUE) {
            throw new InvalidIndexAppendException("Attempt to append an offset (" + offset + ") to " + kind
                + " file " + file + " with base offset " + baseOffset + ": the relative offset "
                + "(offset - base offset) must be in [0, " + Integer.MAX_VALUE + "]", file, offset, lastOffset);
        }
        return (int) (offset - baseOffset);
    }

    final IllegalStateException fullException(final int n) {
        return new IllegalStateException("Attempt to append to a full " + kind + " file " + file + " (entries="
            + n + ", maxEntries=" + maxEntries + ")");
    }

    final CorruptIndexException corrupt(final String detail) {
        return new CorruptIndexException(file, "Corrupt " + kind + " found, " + kind + " file (" + file + ") "
            + detail);
    }

    final long lastOffset(final ByteBuffer b, final int n) {
        return n == 0 ? baseOffset : baseOffset + relativeOffset(b, n - 1);
    }

    final int relativeOffset(final ByteBuffer b, final int n) {
        return b.getInt(n * entrySize + relativeOffsetField);
    }

    final void checkEntryNumber(final int n, final int visible) {
        if (n < 0 || n >= visible) {
            throw new IllegalArgumentException("Attempt to fetch entry " + n + " from " + kind + " file " + file
                + " which has " + visible + " entries");
        }
    }

    /**
     * Binary search: the number of leading entries whose field is at most {@code target}, for a field that is
     * non-decreasing over entries [0, n). Reads a big-endian int64 if {@code longField}, else an int32. Allocates
     * nothing; terminates with a result in [0, n] even if the entries are out of order.
     */
    final int countAtOrBelow(final ByteBuffer b, final int n, final int field, final boolean longField,
                             final long target) {
        int low = 0;
        int high = n;
        while (low < high) {
            final int mid = (low + high) >>> 1;
            final int at = mid * entrySize + field;
            final long value = longField ? b.getLong(at) : b.getInt(at);
            if (value <= target) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private void truncateToEntries(final int n) {
        publishEntries(n);
        LOG.debug("Truncated {} to {} entries", file, n);
    }

    private static void closeAfterFailure(final FileChannel channel, final Exception cause) {
        try {
            channel.close();
        } catch (final IOException ex) {
            cause.addSuppressed(ex);
        }
    }
}
