package keel.log;

/**
 * Answer of {@link Log#offsetForTimestamp(long, OffsetAndTimestamp)}: an offset and the timestamp found there.
 * Caller-owned and reusable; confined to one thread.
 */
public final class OffsetAndTimestamp {
    private long offset = -1;
    private long timestampMs = RecordBatchFormat.NO_TIMESTAMP;

    /**
     * @return the offset found, or -1 when no record matches.
     */
    public long offset() {
        return offset;
    }

    /**
     * @return the timestamp of the record at {@link #offset()}, or -1 when unknown or not found.
     */
    public long timestampMs() {
        return timestampMs;
    }

    void set(final long offset, final long timestampMs) {
        this.offset = offset;
        this.timestampMs = timestampMs;
    }

    @Override
    public String toString() {
        return "OffsetAndTimestamp{offset=" + offset + ", timestampMs=" + timestampMs + '}';
    }
}
