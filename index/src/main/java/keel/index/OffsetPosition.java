package keel.index;

/**
 * Result holder of an {@link OffsetIndex} lookup: an offset and the byte position of its batch in the segment's
 * {@code .log} file. Owned and reused by the caller so that lookups allocate nothing.
 *
 * <p>Confined to one thread.
 */
public final class OffsetPosition {
    private long offset;
    private int position;

    /**
     * @return the offset found
     */
    public long offset() {
        return offset;
    }

    /**
     * @return the byte position in the {@code .log} file of the batch holding {@link #offset()}
     */
    public int position() {
        return position;
    }

    /**
     * Sets both fields.
     *
     * @param offset the offset
     * @param position the byte position
     * @return this
     */
    public OffsetPosition set(final long offset, final int position) {
        this.offset = offset;
        this.position = position;
        return this;
    }

    @Override
    public String toString() {
        return "OffsetPosition{offset=" + offset + ", position=" + position + '}';
    }
}
