package keel.index;

/**
 * Result holder of a {@link TimeIndex} lookup: a timestamp and the offset at or after which every record has a
 * larger timestamp. Owned and reused by the caller so that lookups allocate nothing.
 *
 * <p>Confined to one thread.
 */
public final class TimestampOffset {
    private long timestamp;
    private long offset;

    /**
     * @return the timestamp in ms, or {@link TimeIndex#NO_TIMESTAMP}
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * @return the offset
     */
    public long offset() {
        return offset;
    }

    /**
     * Sets both fields.
     *
     * @param timestamp the timestamp
     * @param offset the offset
     * @return this
     */
    public TimestampOffset set(final long timestamp, final long offset) {
        this.timestamp = timestamp;
        this.offset = offset;
        return this;
    }

    @Override
    public String toString() {
        return "TimestampOffset{timestamp=" + timestamp + ", offset=" + offset + '}';
    }
}
