package keel.log.internal;

import keel.log.ErrorCode;

import java.nio.file.Path;

/**
 * What recovery of one segment found: the valid batches kept and the bytes cut after them. Immutable.
 */
public final class RecoveryResult {
    private final Path file;
    private final int batches;
    private final int validBytes;
    private final int truncatedBytes;
    private final long preallocatedBytes;
    private final int reason;
    private final long nextOffset;

    RecoveryResult(final Path file, final int batches, final int validBytes, final int truncatedBytes,
                   final long preallocatedBytes, final int reason, final long nextOffset) {
        this.file = file;
        this.batches = batches;
        this.validBytes = validBytes;
        this.truncatedBytes = truncatedBytes;
        this.preallocatedBytes = preallocatedBytes;
        this.reason = reason;
        this.nextOffset = nextOffset;
    }

    public Path file() {
        return file;
    }

    /**
     * @return the number of valid batches kept.
     */
    public int batches() {
        return batches;
    }

    /**
     * @return the bytes of valid batches kept.
     */
    public int validBytes() {
        return validBytes;
    }

    /**
     * @return the bytes of torn or corrupt data cut after the last valid batch (preallocated zeroes excluded).
     */
    public int truncatedBytes() {
        return truncatedBytes;
    }

    /**
     * @return the zeroed preallocated bytes after the data, which are not data and not counted as cut.
     */
    public long preallocatedBytes() {
        return preallocatedBytes;
    }

    /**
     * @return why the scan stopped early ({@link ErrorCode}), NONE when nothing was cut.
     */
    public int reason() {
        return reason;
    }

    /**
     * @return the offset after the last valid batch.
     */
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public String toString() {
        return "RecoveryResult{file=" + file + ", batches=" + batches + ", validBytes=" + validBytes
            + ", truncatedBytes=" + truncatedBytes + ", preallocatedBytes=" + preallocatedBytes + ", reason="
            + ErrorCode.name(reason) + ", nextOffset=" + nextOffset + '}';
    }
}
