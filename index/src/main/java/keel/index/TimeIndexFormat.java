package keel.index;

/**
 * Layout of Kafka's time index file ({@code .timeindex}): a sequence of fixed-size entries, each saying that the
 * largest timestamp seen in the segment before the given offset (relative to the segment's base offset) is the
 * given timestamp. The file holds no header and no checksum; after a crash the log rebuilds it.
 *
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +              timestamp (int64, big-endian, ms)                +
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |              relative offset (int32, big-endian)              |  offset - baseOffset
 *   +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Entries have strictly increasing timestamps (as appended; a file found on disk is only required to be
 * non-decreasing) and non-decreasing relative offsets. Stateless: thread-safe.
 */
public final class TimeIndexFormat {
    /** Size of one entry in bytes. */
    public static final int ENTRY_SIZE = 12;
    /** Byte offset of the int64 timestamp within an entry. */
    public static final int TIMESTAMP_OFFSET = 0;
    /** Byte offset of the int32 relative offset within an entry. */
    public static final int RELATIVE_OFFSET_OFFSET = 8;
    /** File name suffix. */
    public static final String SUFFIX = SegmentFileNames.TIME_INDEX_SUFFIX;

    private TimeIndexFormat() {
    }

    /**
     * The time index file name of a segment, e.g. {@code 00000000000000000000.timeindex}.
     *
     * @param baseOffset the segment's base offset
     * @return the file name
     */
    public static String fileName(final long baseOffset) {
        return SegmentFileNames.fileName(baseOffset, SUFFIX);
    }
}
