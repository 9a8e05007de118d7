package keel.index;

/**
 * Names of the files of a log segment, as Kafka spells them: the segment's base offset in 20 zero-padded decimal
 * digits followed by a suffix, e.g. {@code 00000000000000000000.log} and {@code 00000000000000000000.index}.
 * A file being deleted, cleaned or swapped carries one extra suffix ({@code 00000000000000000042.log.deleted}).
 *
 * <pre>
 *   name = 20 decimal digits (base offset, zero padded) "." kind [ "." state ]
 *   kind  = log | index | timeindex | txnindex | snapshot
 *   state = deleted | cleaned | swap
 * </pre>
 *
 * <p>Stateless: thread-safe.
 */
public final class SegmentFileNames {
    /** Suffix of a segment's record-batch file. */
    public static final String LOG_SUFFIX = ".log";
    /** Suffix of a segment's offset index (see {@link OffsetIndexFormat}). */
    public static final String INDEX_SUFFIX = ".index";
    /** Suffix of a segment's time index (see {@link TimeIndexFormat}). */
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    /** Suffix of a segment's transaction index. */
    public static final String TXN_INDEX_SUFFIX = ".txnindex";
    /** Suffix of a producer-state snapshot. */
    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** Extra suffix of a file scheduled for deletion. */
    public static final String DELETED_SUFFIX = ".deleted";
    /** Extra suffix of a file written by the log cleaner, not yet swapped in. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** Extra suffix of a file about to replace the live one. */
    public static final String SWAP_SUFFIX = ".swap";

    /** Number of decimal digits of the base offset in a file name. */
    public static final int BASE_OFFSET_DIGITS = 20;

    private static final String[] KIND_SUFFIXES = {
        LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX, SNAPSHOT_SUFFIX
    };
    private static final String[] STATE_SUFFIXES = {DELETED_SUFFIX, CLEANED_SUFFIX, SWAP_SUFFIX};

    private SegmentFileNames() {
    }

    /**
     * The base offset in 20 zero-padded decimal digits, e.g. {@code 00000000000000000042} for 42.
     *
     * @param baseOffset the segment's base offset, not negative
     * @return the 20-character base name
     * @throws IllegalArgumentException if baseOffset is negative
     */
    public static String segmentBaseName(final long baseOffset) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("baseOffset=" + baseOffset + " must not be negative");
        }
        final char[] digits = new char[BASE_OFFSET_DIGITS];
        long rest = baseOffset;
        for (int i = BASE_OFFSET_DIGITS - 1; i >= 0; i--) {
            digits[i] = (char) ('0' + (rest % 10));
            rest /= 10;
        }
        return new String(digits);
    }

    /**
     * The name of a segment file, e.g. {@code fileName(42, INDEX_SUFFIX)} is {@code 00000000000000000042.index}.
     *
     * @param baseOffset the segment's base offset, not negative
     * @param suffix the suffix including its dot, e.g. {@link #INDEX_SUFFIX}
     * @return the file name
     */
    public static String fileName(final long baseOffset, final String suffix) {
        return segmentBaseName(baseOffset) + suffix;
    }

    /**
     * The base offset a segment file name starts with.
     *
     * @param fileName a name such as {@code 00000000000000000042.log} or {@code 00000000000000000042.index.swap}
     * @return the base offset (42 in the examples)
     * @throws IllegalArgumentException if the name is not 20 digits, a known kind suffix and at most one known
     *                                  state suffix, or the digits exceed {@link Long#MAX_VALUE}
     */
    public static long parseBaseOffset(final String fileName) {
        if (fileName.length() <= BASE_OFFSET_DIGITS || !hasKnownSuffixes(fileName)) {
            throw notSegmentFile(fileName);
        }
        long value = 0;
        for (int i = 0; i < BASE_OFFSET_DIGITS; i++) {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                throw notSegmentFile(fileName);
            }
            final int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw new IllegalArgumentException("Segment file name " + fileName + " has a base offset larger than "
                    + Long.MAX_VALUE);
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static boolean hasKnownSuffixes(final String fileName) {
        final String rest = fileName.substring(BASE_OFFSET_DIGITS);
        for (final String kind : KIND_SUFFIXES) {
            if (rest.equals(kind)) {
                return true;
            }
            if (rest.startsWith(kind)) {
                final String state = rest.substring(kind.length());
                for (final String known : STATE_SUFFIXES) {
                    if (state.equals(known)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static IllegalArgumentException notSegmentFile(final String fileName) {
        return new IllegalArgumentException("File name " + fileName + " is not a segment file name: expected "
            + BASE_OFFSET_DIGITS + " digits, a kind suffix (.log, .index, .timeindex, .txnindex, .snapshot) and "
            + "optionally .deleted, .cleaned or .swap");
    }
}
