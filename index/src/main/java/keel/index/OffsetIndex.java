package keel.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Kafka's sparse offset index of one log segment ({@code .index}): maps offsets to byte positions in the
 * segment's {@code .log} file, one entry per {@code index.interval.bytes} of log. A lookup finds the largest indexed
 * offset at or below a target, from which the log scans forward. Layout: {@link OffsetIndexFormat}.
 *
 * <p>One writer (holding the partition lock), any number of readers: the writer stores an entry and then
 * publishes the entry count with a volatile store; readers load the count once and search below it, without
 * locks and without allocating. See {@link AbstractIndex} for truncation, resizing, closing and crash behaviour.
 */
public final class OffsetIndex extends AbstractIndex {
    private static final int ENTRY_SIZE = OffsetIndexFormat.ENTRY_SIZE;
    private static final int RELATIVE_OFFSET = OffsetIndexFormat.RELATIVE_OFFSET_OFFSET;
    private static final int POSITION = OffsetIndexFormat.POSITION_OFFSET;

    private OffsetIndex(final MappedIndexFile opened) {
        super(opened, ENTRY_SIZE, RELATIVE_OFFSET, "index");
    }

    /**
     * Opens an offset index file, creating it if writable and missing. An existing file has
     * {@code length / 8} entries.
     *
     * @param file the {@code .index} file
     * @param baseOffset the segment's base offset, not negative
     * @param maxIndexSizeBytes writable: the size to preallocate (rounded down to whole entries); read-only: unused
     * @param writable true to map read-write and preallocate, false to map the existing entries read-only
     * @param allocator gives the file real blocks (writable only)
     * @return the open index
     * @throws IOException if the file cannot be opened, allocated or mapped
     */
    public static OffsetIndex open(final Path file, final long baseOffset, final int maxIndexSizeBytes,
                                   final boolean writable, final FileAllocator allocator) throws IOException {
        return new OffsetIndex(openFile(file, baseOffset, maxIndexSizeBytes, writable, allocator, ENTRY_SIZE));
    }

    /**
     * Appends an entry. Writer only.
     *
     * @param offset the offset, larger than {@link #lastOffset()} and at most {@code baseOffset + Integer.MAX_VALUE}
     * @param position the byte position of the batch holding the offset in the {@code .log} file, not below the
     *                 last entry's position
     * @throws IllegalStateException if the index is full, read-only or closed
     * @throws InvalidIndexAppendException if the offset is not larger than the last offset or out of range
     * @throws IllegalArgumentException if the position is negative or below the last entry's position
     */
    public void append(final long offset, final int position) {
        final MappedByteBuffer b = writerBuffer();
        final int n = entries();
        if (n >= maxEntries()) {
            throw fullException(n);
        }
        final long lastOffset = lastOffset(b, n);
        if (n > 0 && offset <= lastOffset) {
            throw new InvalidIndexAppendException("Attempt to append an offset (" + offset + ") to position " + n
                + " no larger than the last offset appended (" + lastOffset + ") to " + file(), file(), offset,
                lastOffset);
        }
        final int relativeOffset = toRelativeOffset(offset, lastOffset);
        final int lastPosition = n == 0 ? 0 : position(b, n - 1);
        if (position < lastPosition) {
            throw new IllegalArgumentException("Attempt to append position " + position + " for offset " + offset
                + " to " + file() + ", below the last position appended (" + lastPosition + ")");
        }
        final int at = n * ENTRY_SIZE;
        b.putInt(at + RELATIVE_OFFSET, relativeOffset);
        b.putInt(at + POSITION, position);
        publishEntries(n + 1);
    }

    /**
     * Finds the entry with the largest offset at or below {@code targetOffset}. Allocates nothing.
     *
     * @param targetOffset the offset to look up
     * @param out receives the entry found, or {@code (baseOffset, 0)} if the index is empty or every entry is
     *            larger than the target
     */
    public void lookup(final long targetOffset, final OffsetPosition out) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        final int n = visibleEntries(b, published);
        final long baseOffset = baseOffset();
        final int count;
        if (n == 0 || targetOffset < baseOffset) {
            count = 0;
        } else if (targetOffset - baseOffset > Integer.MAX_VALUE) {
            count = n;
        } else {
            count = countAtOrBelow(b, n, RELATIVE_OFFSET, false, targetOffset - baseOffset);
        }
        if (count == 0) {
            out.set(baseOffset, 0);
        } else {
            out.set(baseOffset + relativeOffset(b, count - 1), position(b, count - 1));
        }
    }

    /**
     * Reads entry {@code n}, for tools.
     *
     * @param n the entry number, below {@link #entries()}
     * @param out receives the entry
     * @throws IllegalArgumentException if n is not below {@link #entries()}
     */
    public void lookupEntry(final int n, final OffsetPosition out) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        checkEntryNumber(n, visibleEntries(b, published));
        out.set(baseOffset() + relativeOffset(b, n), position(b, n));
    }

    /**
     * @param n the entry number, below {@link #entries()}
     * @return the byte position stored in entry n
     */
    public int position(final int n) {
        final int published = entries();
        final ByteBuffer b = readerBuffer();
        checkEntryNumber(n, visibleEntries(b, published));
        return position(b, n);
    }

    @Override
    void checkEntryOrder(final ByteBuffer b, final int n) {
        int previousOffset = relativeOffset(b, 0);
        int previousPosition = position(b, 0);
        if (previousPosition < 0) {
            throw corrupt("has entry 0 with negative position " + previousPosition);
        }
        for (int i = 1; i < n; i++) {
            final int relativeOffset = relativeOffset(b, i);
            final int position = position(b, i);
            if (relativeOffset <= previousOffset) {
                throw corrupt("has entry " + i + " with offset " + (baseOffset() + relativeOffset)
                    + " which is not larger than the offset " + (baseOffset() + previousOffset) + " of entry "
                    + (i - 1));
            }
            if (position < previousPosition) {
                throw corrupt("has entry " + i + " with position " + position + " which is less than the position "
                    + previousPosition + " of entry " + (i - 1));
            }
            previousOffset = relativeOffset;
            previousPosition = position;
        }
    }

    private static int position(final ByteBuffer b, final int n) {
        return b.getInt(n * ENTRY_SIZE + POSITION);
    }
}
