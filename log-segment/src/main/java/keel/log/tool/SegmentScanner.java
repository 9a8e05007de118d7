package keel.log.tool;

import keel.index.MappedFiles;
import keel.log.ErrorCode;
import keel.log.RecordBatchFormat;
import keel.log.RecordBatchView;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Walks the record batches of one {@code .log} segment file in file order, read-only: the file is opened for
 * reading only and mapped {@link FileChannel.MapMode#READ_ONLY}, so nothing here can change it (opening it through
 * {@link keel.log.Log} would recover and trim it). Batches are parsed and checked by {@link RecordBatchView}.
 *
 * <p>Each batch is judged by the rules of the engine's crash recovery ({@code Segment.recover}), so that what this
 * scanner calls invalid is exactly where recovery cuts:
 * <ol>
 *   <li>framing: at least a batch header left, {@code batchLength} at least the minimum and not past the end of the
 *       file. A framing error ends the walk: the rest of the file is the <em>tail</em>;</li>
 *   <li>magic 2, CRC-32C, non-negative {@code lastOffsetDelta} and {@code recordsCount}
 *       ({@link RecordBatchView#validateStored});</li>
 *   <li>offsets: a batch's base offset is above the previous batch's last offset and not below the segment's base
 *       offset (from the file name), and its last offset is at most {@link Integer#MAX_VALUE} past the base offset
 *       (the indexes store 32-bit relative offsets).</li>
 * </ol>
 * A batch that breaks rule 2 or 3 but is framed correctly is reported and the walk goes on past it, so a dump shows
 * everything after a flipped byte; the first invalid position is where recovery would cut.
 *
 * <p>Confined to one thread. {@link #close()} unmaps the file.
 */
final class SegmentScanner implements AutoCloseable {
    /** Base offset of a file whose name is not a segment file name. */
    static final long UNKNOWN_BASE_OFFSET = -1L;

    /**
     * Zeros after torn data are worth a mention only when they fill at least a page, as preallocated space does:
     * the last bytes of any batch are often zero (an empty header list, a small value).
     */
    private static final int PAGE_BYTES = 4096;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private final int fileSize;
    private final long baseOffset;
    private final RecordBatchView view = new RecordBatchView();

    private int position;
    private int nextPosition;
    private boolean ended;
    private boolean magicSupported;
    private boolean batchValid;
    private String batchError;
    private long expectedOffset;
    private boolean anyValid;

    private int framedEnd = -1;
    private String tailReason;
    private boolean tailAllZeros;
    private int cutPosition = -1;
    private String cutReason;
    private int keptBatches;
    private long keptFirstOffset = -1L;
    private long keptLastOffset = -1L;
    private long keptRecords;

    private SegmentScanner(final FileChannel channel, final MappedByteBuffer buffer,
                           final int fileSize, final long baseOffset) {
        this.channel = channel;
        this.buffer = buffer;
        this.fileSize = fileSize;
        this.baseOffset = baseOffset;
        this.expectedOffset = baseOffset == UNKNOWN_BASE_OFFSET ? Long.MIN_VALUE : baseOffset;
    }

    /**
     * Opens a segment file for reading.
     *
     * @param file       the {@code .log} file.
     * @param baseOffset the base offset from its name, or {@link #UNKNOWN_BASE_OFFSET}.
     * @return the scanner, before the first batch.
     * @throws IOException if the file cannot be opened or mapped, or is over 2 GiB.
     */
    static SegmentScanner open(final Path file, final long baseOffset) throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(file + " is " + size + " bytes; a segment holds at most " + Integer.MAX_VALUE);
            }
            final MappedByteBuffer buffer = size == 0 ? null : channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new SegmentScanner(channel, buffer, (int) size, baseOffset);
        } catch (final IOException | RuntimeException ex) {
            channel.close();
            throw ex;
        }
    }

    /**
     * Moves to the next batch whose framing is intact.
     *
     * @return true when {@link #batch()} is the next batch (valid or not, see {@link #isBatchValid()}); false at
     *     the end of the file or where the framing breaks (see {@link #tailReason()}).
     */
    boolean next() {
        if (ended) {
            return false;
        }
        position = nextPosition;
        if (position >= fileSize) {
            end(fileSize, null);
            return false;
        }
        view.wrap(buffer, position);
        final int remaining = fileSize - position;
        final int headerCode = view.validateHeaderOnly(remaining);
        if (headerCode == ErrorCode.CORRUPT_MESSAGE) {
            end(position, describeTail(framingError(remaining)));
            return false;
        }
        nextPosition = position + view.sizeInBytes();
        magicSupported = headerCode == ErrorCode.NONE;
        if (!magicSupported) {
            return invalid(view.errorMessage());
        }
        if (view.validateStored(remaining) != ErrorCode.NONE) {
            return invalid(view.errorMessage());
        }
        if (view.baseOffset() < expectedOffset) {
            return invalid(!anyValid
                ? "batch at position " + position + " has base offset " + view.baseOffset()
                    + ", below the segment's base offset " + baseOffset
                : "batch at position " + position + " has base offset " + view.baseOffset()
                    + ", not above the last offset " + (expectedOffset - 1) + " of the batch before it");
        }
        if (baseOffset != UNKNOWN_BASE_OFFSET && view.lastOffset() - baseOffset > Integer.MAX_VALUE) {
            return invalid("batch at position " + position + " has last offset " + view.lastOffset()
                + ", more than " + Integer.MAX_VALUE + " past the segment's base offset " + baseOffset);
        }
        batchValid = true;
        batchError = null;
        anyValid = true;
        expectedOffset = view.lastOffset() + 1;
        if (cutPosition < 0) {
            keptBatches++;
            if (keptFirstOffset < 0) {
                keptFirstOffset = view.baseOffset();
            }
            keptLastOffset = view.lastOffset();
            keptRecords += view.recordCount();
        }
        return true;
    }

    /**
     * The current batch, wrapped at {@link #position()}. Its header fields are as stored; trust them only when
     * {@link #isBatchValid()}.
     *
     * @return the view.
     */
    RecordBatchView batch() {
        return view;
    }

    /**
     * @return the position of the current batch in the file.
     */
    int position() {
        return position;
    }

    /**
     * @return the size of the current batch in bytes.
     */
    int sizeInBytes() {
        return nextPosition - position;
    }

    /**
     * @return whether the current batch has magic 2, so that its header fields are laid out as Keel reads them.
     */
    boolean isMagicSupported() {
        return magicSupported;
    }

    /**
     * @return whether the current batch passed every check.
     */
    boolean isBatchValid() {
        return batchValid;
    }

    /**
     * @return why the current batch is invalid, or null.
     */
    String batchError() {
        return batchError;
    }

    /**
     * @return the file size in bytes.
     */
    int fileSize() {
        return fileSize;
    }

    /**
     * @return after the walk: where the last intact batch ends (the file size when the framing holds to the end).
     */
    int framedEnd() {
        return framedEnd;
    }

    /**
     * @return after the walk: why the bytes from {@link #framedEnd()} on are not a batch, or null if there are none.
     */
    String tailReason() {
        return tailReason;
    }

    /**
     * @return after the walk: the position of the first invalid byte, where recovery cuts the file, or -1.
     */
    int cutPosition() {
        return cutPosition;
    }

    /**
     * @return after the walk: why the data at {@link #cutPosition()} is invalid, or null.
     */
    String cutReason() {
        return cutReason;
    }

    /**
     * @return after the walk: whether the invalid data is only the zeros of preallocated space after the last
     *     batch, so that recovery cuts no data (and the engine keeps the later segments).
     */
    boolean cutOnlyZeros() {
        return cutPosition >= 0 && cutPosition == framedEnd && tailAllZeros;
    }

    /**
     * @return the number of valid batches before {@link #cutPosition()}: those recovery keeps.
     */
    int keptBatches() {
        return keptBatches;
    }

    /**
     * @return the base offset of the first kept batch, or -1.
     */
    long keptFirstOffset() {
        return keptFirstOffset;
    }

    /**
     * @return the last offset of the last kept batch, or -1.
     */
    long keptLastOffset() {
        return keptLastOffset;
    }

    /**
     * @return the records stored in the kept batches ({@code recordsCount}, which compaction may leave below the
     *     offset range).
     */
    long keptRecords() {
        return keptRecords;
    }

    @Override
    public void close() throws IOException {
        MappedFiles.unmap(buffer);
        channel.close();
    }

    private boolean invalid(final String reason) {
        batchValid = false;
        batchError = reason;
        if (cutPosition < 0) {
            cutPosition = position;
            cutReason = reason;
        }
        return true;
    }

    private void end(final int end, final String reason) {
        ended = true;
        framedEnd = end;
        tailReason = reason;
        if (reason != null && cutPosition < 0) {
            cutPosition = end;
            cutReason = reason;
        }
    }

    /**
     * A batch cut short before the end of its header is reported by the view as too short for any batch; when its
     * length field is there and sane, say that it is torn, as for a batch cut after its header.
     */
    private String framingError(final int remaining) {
        if (remaining >= RecordBatchFormat.LOG_OVERHEAD && remaining < RecordBatchFormat.RECORD_BATCH_OVERHEAD
            && view.batchLength() >= RecordBatchFormat.MIN_BATCH_LENGTH) {
            return "batch at position " + position + " declares " + ((long) view.batchLength()
                + RecordBatchFormat.LOG_OVERHEAD) + " bytes but only " + remaining + " remain (truncated)";
        }
        return view.errorMessage();
    }

    /**
     * After a crash the active segment of a Keel log ends in the zeros of its preallocated space; say so instead of
     * reporting a batch of length 0, and say where torn data gives way to such zeros.
     */
    private String describeTail(final String framingError) {
        int dataEnd = fileSize;
        while (dataEnd - Long.BYTES >= position && buffer.getLong(dataEnd - Long.BYTES) == 0L) {
            dataEnd -= Long.BYTES;
        }
        while (dataEnd > position && buffer.get(dataEnd - 1) == 0) {
            dataEnd--;
        }
        if (dataEnd == position) {
            tailAllZeros = true;
            return "the " + Text.plural(fileSize - position, "byte") + " to the end of the file are all zero: the"
                + " preallocated space of a segment that was not closed cleanly, not data";
        }
        if (fileSize - dataEnd >= PAGE_BYTES) {
            return framingError + "; the bytes from position " + dataEnd + " to the end of the file are zero"
                + " (preallocated space)";
        }
        return framingError;
    }
}
