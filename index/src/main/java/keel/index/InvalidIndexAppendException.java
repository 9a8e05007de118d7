package keel.index;

import java.nio.file.Path;

/**
 * An append that would break an index's ordering or overflow its 32-bit relative offset: a bug in the caller,
 * which must only append increasing offsets within {@code [baseOffset, baseOffset + Integer.MAX_VALUE]} (a log
 * rolls a new segment before an offset overflows, KAFKA-5413).
 *
 * <p>Immutable: thread-safe.
 */
public final class InvalidIndexAppendException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final long lastOffset;

    InvalidIndexAppendException(final String message, final Path file, final long offset, final long lastOffset) {
        super(message);
        this.file = file;
        this.offset = offset;
        this.lastOffset = lastOffset;
    }

    /**
     * @return the index file appended to
     */
    public Path file() {
        return file;
    }

    /**
     * @return the offset of the rejected append
     */
    public long offset() {
        return offset;
    }

    /**
     * @return the last offset in the index when the append was rejected (the base offset if empty)
     */
    public long lastOffset() {
        return lastOffset;
    }
}
