package keel.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Kafka's sparse time index of one log segment ({@code .timeindex}): an entry {@code (timestamp, offset)} says
 * that the largest timestamp seen before {@code offset} is {@code timestamp}, so any record with a larger
 * timestamp comes at or after {@code offset}. A lookup finds the last entry whose timestamp is at or below a
 * target. Timestamps of appended entries strictly increase. Layout: {@link TimeIndexFormat}.
 *
 * <p>One writer (holding the partition lock), any number of readers: the writer stores an entry and then
 * publishes the entry count with a volatile store; readers load the count once and search below it, without
 * locks and without allocating. See {@link AbstractIndex} for truncation, resizing, closing and crash behaviour.
 *
 * <p>As in Kafka, the last slot is reserved: {@link #isFull()} is true one entry early, so that the entry for the
 * segment's largest timestamp can still be appended when the segment is rolled or closed
 * ({@link #maybeAppend(long, long, boolean)} with {@code skipFullCheck}).
 */
public final class TimeIndex extends AbstractIndex {
    /** Kafka's {@code RecordBatch.NO_TIMESTAMP}: the timestamp of a lookup that found no entry. */
    public static final long NO_TIMESTAMP = -1L;

    private static final int ENTRY_SIZE = TimeIndexFormat.ENTRY_SIZE;
    private static final int TIMESTAMP = TimeIndexFormat.TIMESTAMP_OFFSET;
    private static final int RELATIVE_OFFSET = TimeIndexFormat.RELATIVE_OFFSET_OFFSET;

    private TimeIndex(final MappedIndexFile opened) {
        super(opened, ENTRY_SIZE, RELATIVE_OFFSET, "time index");
    }

    /**
     * Opens a time index file, creating it if writable and missing. An existing file has {@code length / 12}
     * entries.
     *
     * @param file the {@code .timeindex} file
     * @param baseOffset the segment's base offset, not negative
     * @param maxIndexSizeBytes writable: the size to preallocate (rounded down to whole entries); read-only: unused
     * @param writable true to map read-write and preallocate, false to map the existing entries read-only
     * @param allocator gives the file real blocks (writable only)
     * @return the open index
     * @throws IOException if the file cannot be opened, allocated or mapped
     */
    public static TimeIndex open(final Path file, final long baseOffset, final int maxIndexSizeBytes,
                                 final boolean writable, final FileAllocator allocator) throws IOException {
        return new TimeIndex(openFile(file, baseOffset, maxIndexSizeBytes, writable, allocator, ENTRY_SIZE));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keeps the last slot free for {@link #maybeAppend(long, long, boolean)} with {@code skipFullCheck}.
     */
    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /**
     * Same as {@code maybeAppend(timestamp, offset, false)}.
     *
     * @param timestamp the largest timestamp seen before {@code offset}
     * @param offset the offset
     */
    public void maybeAppend(final long timestamp, final long offset) {
        maybeAppend(timestamp, offset, false);
    }

    /**
     * Appends {@code (timestamp, offset)} if {@code timestamp} is larger than the last entry's timestamp (or, when
     * empty, larger than {@link #NO_TIMESTAMP}); does nothing if it is equal. Writer only.
     *
     * @param timestamp the largest timestamp seen before {@code offset}
     * @param offset the offset, not below the last entry's offset
     * @param skipFullCheck true when the segment is rolled or closed: the reserved last slot may be used
     * @throws IllegalStateException if the index is full, read-only or closed
     * @throws InvalidIndexAppendException if the offset or the timestamp is below the last entry's, or the offset is
     *                                     outside {@code [baseOffset, baseOffset + Integer.MAX_VALUE]}
     */
    public void maybeAppend(final long timestamp, final long offset, final boolean skipFullCheck) {
        final MappedByteBuffer b = writerBuffer();
        final int n = entries();
        if (!skipFullCheck && isFull()) {
            throw fullException(n);
        }
        final long lastOffset = lastOffset(b, n);
        final long lastTimestamp = n == 0 ? NO_TIMESTAMP : timestamp(b, n - 1);
        if (n > 0 && offset < lastOffset) {
            throw new InvalidIndexAppendException("Attempt to append an offset (" + offset + ") to slot " + n
                + " no larger than the last offset appended (" + lastOffset + ") to " + file(), file(), offset,
                lastOffset);
        }
        if (n > 0 && timestamp < lastTimestamp) {
            throw new InvalidIndexAppendException("Attempt to append a timestamp (" + timestamp + ") to slot " + n
                + " no larger than the last timestamp appended (" + lastTimestamp + ") to " + file(), file(), offset,
                lastOffset);
        }
        // Equal timestamps add nothing: the entry for the segment's largest timestamp is appended again when the
        // segment is rolled or closed.
        if (timestamp > lastTimestamp) {
            if (n >= maxEntries()) {
                throw fullException(n);
            }
            final int relativeOffset = toRelativeOffset(offset, lastOffset);
            final int at = n * ENTRY_SIZE;
            b.putLong(at + TIMESTAMP, timestamp);
            b.putInt(at + RELATIVE_OFFSET, relativeOffset);
            publishEntries(n + 1);
        }
    }

    /**
     * Finds the last entry whose timestamp is at or below {@code targetTimestamp}. Allocates nothing.
     *
     * @param targetTimestamp the timestamp to look up
     * @param out receives the entry found, or {@code (NO_TIMESTAMP, baseOffset)} if the index is empty or every
     *            entry's timestamp is larger than the target
     */
    public void lookup(final long targetTimestamp, final TimestampOffset out) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        final int n = visibleEntries(b, published);
        final int count = countAtOrBelow(b, n, TIMESTAMP, true, targetTimestamp);
        entryOrEmpty(b, count, out);
    }

    /**
     * Reads the last entry.
     *
     * @param out receives the last entry, or {@code (NO_TIMESTAMP, baseOffset)} if the index is empty
     */
    public void lastEntry(final TimestampOffset out) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        entryOrEmpty(b, visibleEntries(b, published), out);
    }

    /**
     * @return the last entry's timestamp, or {@link #NO_TIMESTAMP} if the index is empty
     */
    public long lastTimestamp() {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        final int n = visibleEntries(b, published);
        return n == 0 ? NO_TIMESTAMP : timestamp(b, n - 1);
    }

    /**
     * Reads entry {@code n}, for tools.
     *
     * @param n the entry number, below {@link #entries()}
     * @param out receives the entry
     * @throws IllegalArgumentException if n is not below {@link #entries()}
     */
    public void lookupEntry(final int n, final TimestampOffset out) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        checkEntryNumber(n, visibleEntries(b, published));
        out.set(timestamp(b, n), baseOffset() + relativeOffset(b, n));
    }

    /**
     * @param n the entry number, below {@link #entries()}
     * @return the timestamp stored in entry n
     */
    public long timestamp(final int n) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        checkEntryNumber(n, visibleEntries(b, published));
        return timestamp(b, n);
    }

    @Override
    void checkEntryOrder(final ByteBuffer b, final int n) {
        long previousTimestamp = timestamp(b, 0);
        int previousOffset = relativeOffset(b, 0);
        for (int i = 1; i < n; i++) {
            final long timestamp = timestamp(b, i);
            final int relativeOffset = relativeOffset(b, i);
            if (timestamp < previousTimestamp) {
                throw corrupt("has entry " + i + " with timestamp " + timestamp + " which is less than the timestamp "
                    + previousTimestamp + " of entry " + (i - 1));
            }
            if (relativeOffset < previousOffset) {
                throw corrupt("has entry " + i + " with offset " + (baseOffset() + relativeOffset)
                    + " which is less than the offset " + (baseOffset() + previousOffset) + " of entry " + (i - 1));
            }
            previousTimestamp = timestamp;
            previousOffset = relativeOffset;
        }
    }

    /**
     * Fills {@code out} with entry {@code count - 1}, or the empty result if count is 0.
     */
    private void entryOrEmpty(final ByteBuffer b, final int count, final TimestampOffset out) {
        if (count == 0) {
            out.set(NO_TIMESTAMP, baseOffset());
        } else {
            out.set(timestamp(b, count - 1), baseOffset() + relativeOffset(b, count - 1));
        }
    }

    private static long timestamp(final ByteBuffer b, final int n) {
        return b.getLong(n * ENTRY_SIZE + TIMESTAMP);
    }
}
