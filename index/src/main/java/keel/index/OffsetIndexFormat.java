package keel.index;

/**
 * Layout of Kafka's offset index file ({@code .index}): a sequence of fixed-size entries, each mapping an offset
 * (relative to the segment's base offset) to the byte position of its batch in the segment's {@code .log} file.
 * The file holds no header and no checksum; after a crash the log rebuilds it from the {@code .log} file.
 *
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |              relative offset (int32, big-endian)              |  offset - baseOffset
 *   +---------------------------------------------------------------+
 *   |                 position (int32, big-endian)                  |  byte position in the .log file
 *   +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Entries are sorted by strictly increasing relative offset with non-decreasing positions.
 * Stateless: thread-safe.
 */
public final class OffsetIndexFormat {
    /** Size of one entry in bytes. */
    public static final int ENTRY_SIZE = 8;
    /** Byte offset of the int32 relative offset within an entry. */
    public static final int RELATIVE_OFFSET_OFFSET = 0;
    /** Byte offset of the int32 file position within an entry. */
    public static final int POSITION_OFFSET = 4;
    /** File name suffix. */
    public static final String SUFFIX = SegmentFileNames.INDEX_SUFFIX;

    private OffsetIndexFormat() {
    }

    /**
     * The offset index file name of a segment, e.g. {@code 00000000000000000000.index}.
     *
     * @param baseOffset the segment's base offset
     * @return the file name
     */
    public static String fileName(final long baseOffset) {
        return SegmentFileNames.fileName(baseOffset, SUFFIX);
    }
}
