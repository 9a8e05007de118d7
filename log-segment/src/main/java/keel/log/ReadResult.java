package keel.log;

import keel.index.OffsetPosition;
import keel.log.internal.Segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A region of one segment file holding whole record batches, as answered by
 * {@link Log#read(long, int, long, boolean, ReadResult)}. While filled, it holds a reservation on the segment
 * so that the file stays open and mapped (retention or truncation cannot free it); the caller must call
 * {@link #release()} once the bytes are sent or copied. Caller-owned and reusable; confined to one thread.
 */
public final class ReadResult implements AutoCloseable {
    private final OffsetPosition lookup = new OffsetPosition();
    private final RecordBatchView view = new RecordBatchView();
    private Segment segment;
    private long position;
    private int sizeInBytes;
    private long firstOffset = -1;
    private long logStartOffset = -1;
    private long logEndOffset = -1;

    /** Creates an empty result. */
    public ReadResult() {
    }

    /**
     * @return the channel of the segment file holding the data, for {@code transferTo}; null when empty.
     */
    public FileChannel channel() {
        return segment == null ? null : segment.channel();
    }

    /**
     * @return the byte position of the first batch in {@link #channel()}.
     */
    public long position() {
        return position;
    }

    /**
     * @return the number of bytes of whole batches, 0 when there is no data.
     */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /**
     * @return the base offset of the first batch of the region, -1 when empty.
     */
    public long firstOffset() {
        return firstOffset;
    }

    /**
     * @return the log start offset seen by the read.
     */
    public long logStartOffset() {
        return logStartOffset;
    }

    /**
     * @return the log end offset seen by the read.
     */
    public long logEndOffset() {
        return logEndOffset;
    }

    /**
     * Copies the region into {@code dst} from its position.
     *
     * @param dst where to copy; must have {@link #sizeInBytes()} bytes remaining.
     * @return the number of bytes copied.
     * @throws IOException if the file cannot be read.
     */
    public int readFully(final ByteBuffer dst) throws IOException {
        if (dst.remaining() < sizeInBytes) {
            throw new IllegalArgumentException("Destination has " + dst.remaining() + " bytes remaining, region has "
                + sizeInBytes);
        }
        final int limit = dst.limit();
        dst.limit(dst.position() + sizeInBytes);
        try {
            int copied = 0;
            while (copied < sizeInBytes) {
                final int n = segment.channel().read(dst, position + copied);
                if (n < 0) {
                    throw new IOException("Unexpected end of file " + segment.logFile() + " at position "
                        + (position + copied));
                }
                copied += n;
            }
            return copied;
        } finally {
            dst.limit(limit);
        }
    }

    /**
     * Decides cheaply whether sending the region may wait for the disk (KAFKA-7504). The active segment is taken
     * as resident without a system call: its pages were written through the writer's mapping, and a consumer that
     * keeps up reads there. An older segment is asked with one {@code mincore}.
     *
     * @return true when some page of the region may not be in the page cache; false when empty.
     */
    public boolean mayBeCold() {
        final Segment s = segment;
        if (s == null || sizeInBytes == 0 || s.isActive()) {
            return false;
        }
        try {
            return !s.isResident(position, sizeInBytes);
        } catch (final IOException ex) {
            // cannot tell: the blocking path pre-faults it and reports a real failure when sending
            return true;
        }
    }

    /**
     * Reads the region's pages into the page cache, so that a later {@code transferTo} of it does not wait for the
     * disk. Blocks while the disk reads: call it only off the network threads.
     *
     * @throws IOException if the file cannot be mapped.
     */
    public void prefault() throws IOException {
        final Segment s = segment;
        if (s != null && sizeInBytes > 0) {
            s.load(position, sizeInBytes);
        }
    }

    /**
     * Releases the segment reservation; idempotent.
     */
    public void release() {
        final Segment s = segment;
        segment = null;
        sizeInBytes = 0;
        position = 0;
        firstOffset = -1;
        if (s != null) {
            s.release();
        }
    }

    @Override
    public void close() {
        release();
    }

    OffsetPosition lookup() {
        return lookup;
    }

    RecordBatchView view() {
        return view;
    }

    void set(final Segment reserved, final long position, final int sizeInBytes, final long firstOffset) {
        this.segment = reserved;
        this.position = position;
        this.sizeInBytes = sizeInBytes;
        this.firstOffset = firstOffset;
    }

    void offsets(final long logStart, final long logEnd) {
        this.logStartOffset = logStart;
        this.logEndOffset = logEnd;
    }

    @Override
    public String toString() {
        return "ReadResult{position=" + position + ", sizeInBytes=" + sizeInBytes + ", firstOffset=" + firstOffset
            + ", logStartOffset=" + logStartOffset + ", logEndOffset=" + logEndOffset + '}';
    }
}
