package keel.log.internal;

import java.nio.ByteBuffer;

/**
 * Layout of a producer-state snapshot file, {@code <20-digit offset>.snapshot} in the partition directory. The
 * layout is Kafka's (version 1 of {@code ProducerStateManager.PID_SNAPSHOT_MAP_SCHEMA}), so Kafka and its tools
 * read Keel's snapshots and Keel reads Kafka's. All integers are big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |       version (int16) = 1     |   crc (uint32, CRC-32C of     |
 *  +-------------------------------+   bytes 6 .. end of file)     |
 *  |                               |  entry count (int32) ...      |
 *  +-------------------------------+-------------------------------+
 *  |  ... entry count              |  entries, 46 bytes each ...
 *  +-------------------------------+-----------------------------
 *
 *  entry (offsets relative to the entry):
 *   0  producerId             int64
 *   8  producerEpoch          int16
 *  10  lastSequence           int32   -1 if the producer has no batch
 *  14  lastOffset             int64   -1 if the producer has no batch
 *  22  offsetDelta            int32   lastOffset - firstOffset of the last batch (= lastSeq - firstSeq)
 *  26  timestamp              int64   Kafka: max timestamp of the last batch; Keel: the newer of that and
 *                                     the producer's last append time (see below)
 *  34  coordinatorEpoch       int32   transactions only; Keel writes -1
 *  38  currentTxnFirstOffset  int64   transactions only; Keel writes -1
 * </pre>
 *
 * <p>Only the last batch of each producer is stored, as in Kafka: after a reload, duplicate detection covers that
 * batch plus the batches the Log replays from the snapshot offset onwards.
 *
 * <p>Kafka counts expiry from the batch timestamp; Keel counts it from the append time, and the layout has one
 * timestamp field. Keel writes the newer of the two, so a reload never expires a producer that was still appending
 * (its clients may send old CreateTime timestamps). The cost: after a reload, a duplicate of the last batch reports
 * that value as its timestamp rather than the batch's own max timestamp; for LogAppendTime topics and clients with
 * current clocks the two are equal or close.
 *
 * <p>Stateless; thread-safe.
 */
final class ProducerStateSnapshotFormat {
    /** The only version Kafka has written ({@code PRODUCER_SNAPSHOT_VERSION}). */
    static final short VERSION = 1;

    static final int VERSION_OFFSET = 0;
    static final int CRC_OFFSET = VERSION_OFFSET + Short.BYTES;
    static final int ENTRY_COUNT_OFFSET = CRC_OFFSET + Integer.BYTES;
    static final int ENTRIES_OFFSET = ENTRY_COUNT_OFFSET + Integer.BYTES;
    /** The CRC covers everything after its own field, entry count included. */
    static final int CRC_COVERED_OFFSET = ENTRY_COUNT_OFFSET;
    static final int HEADER_LENGTH = ENTRIES_OFFSET;

    static final int PRODUCER_ID_OFFSET = 0;
    static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + Long.BYTES;
    static final int LAST_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + Short.BYTES;
    static final int LAST_OFFSET_OFFSET = LAST_SEQUENCE_OFFSET + Integer.BYTES;
    static final int OFFSET_DELTA_OFFSET = LAST_OFFSET_OFFSET + Long.BYTES;
    static final int TIMESTAMP_OFFSET = OFFSET_DELTA_OFFSET + Integer.BYTES;
    static final int COORDINATOR_EPOCH_OFFSET = TIMESTAMP_OFFSET + Long.BYTES;
    static final int CURRENT_TXN_FIRST_OFFSET_OFFSET = COORDINATOR_EPOCH_OFFSET + Integer.BYTES;
    static final int ENTRY_LENGTH = CURRENT_TXN_FIRST_OFFSET_OFFSET + Long.BYTES;

    /** Value of {@code coordinatorEpoch} without transactions (Kafka {@code ProducerStateEntry.empty}). */
    static final int NO_COORDINATOR_EPOCH = -1;
    /** Value of {@code currentTxnFirstOffset} when no transaction is open. */
    static final long NO_TXN_FIRST_OFFSET = -1L;

    static final String FILE_SUFFIX = ".snapshot";
    /** Suffix of a snapshot being written; such a file is never read and is deleted when found at open. */
    static final String TEMP_FILE_SUFFIX = FILE_SUFFIX + ".tmp";
    static final int OFFSET_DIGITS = 20;

    private ProducerStateSnapshotFormat() {
    }

    /**
     * @return the file name of the snapshot at {@code offset}: the offset in 20 digits plus {@code .snapshot}.
     */
    static String fileName(final long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("snapshot offset=" + offset + " must be >= 0");
        }
        final String digits = Long.toString(offset);
        final StringBuilder sb = new StringBuilder(OFFSET_DIGITS + FILE_SUFFIX.length());
        for (int i = digits.length(); i < OFFSET_DIGITS; i++) {
            sb.append('0');
        }
        return sb.append(digits).append(FILE_SUFFIX).toString();
    }

    /**
     * @return the offset encoded in a snapshot file name, or -1 if the name is not exactly
     *     {@code <20 digits>.snapshot}.
     */
    static long offsetFromFileName(final String fileName) {
        if (fileName.length() != OFFSET_DIGITS + FILE_SUFFIX.length() || !fileName.endsWith(FILE_SUFFIX)) {
            return -1L;
        }
        long offset = 0;
        for (int i = 0; i < OFFSET_DIGITS; i++) {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1L;
            }
            final int digit = c - '0';
            if (offset > (Long.MAX_VALUE - digit) / 10) {
                return -1L;
            }
            offset = offset * 10 + digit;
        }
        return offset;
    }

    static int entryPosition(final int index) {
        return ENTRIES_OFFSET + index * ENTRY_LENGTH;
    }

    static short version(final ByteBuffer buffer) {
        return buffer.getShort(VERSION_OFFSET);
    }

    static long crc(final ByteBuffer buffer) {
        return Integer.toUnsignedLong(buffer.getInt(CRC_OFFSET));
    }

    static int entryCount(final ByteBuffer buffer) {
        return buffer.getInt(ENTRY_COUNT_OFFSET);
    }

    static long producerId(final ByteBuffer buffer, final int index) {
        return buffer.getLong(entryPosition(index) + PRODUCER_ID_OFFSET);
    }

    static short producerEpoch(final ByteBuffer buffer, final int index) {
        return buffer.getShort(entryPosition(index) + PRODUCER_EPOCH_OFFSET);
    }

    static int lastSequence(final ByteBuffer buffer, final int index) {
        return buffer.getInt(entryPosition(index) + LAST_SEQUENCE_OFFSET);
    }

    static long lastOffset(final ByteBuffer buffer, final int index) {
        return buffer.getLong(entryPosition(index) + LAST_OFFSET_OFFSET);
    }

    static int offsetDelta(final ByteBuffer buffer, final int index) {
        return buffer.getInt(entryPosition(index) + OFFSET_DELTA_OFFSET);
    }

    static long timestamp(final ByteBuffer buffer, final int index) {
        return buffer.getLong(entryPosition(index) + TIMESTAMP_OFFSET);
    }

    static int coordinatorEpoch(final ByteBuffer buffer, final int index) {
        return buffer.getInt(entryPosition(index) + COORDINATOR_EPOCH_OFFSET);
    }

    static long currentTxnFirstOffset(final ByteBuffer buffer, final int index) {
        return buffer.getLong(entryPosition(index) + CURRENT_TXN_FIRST_OFFSET_OFFSET);
    }

    /**
     * Writes one entry at the buffer's position and advances it by {@link #ENTRY_LENGTH}.
     */
    static void putEntry(
        final ByteBuffer buffer,
        final long producerId,
        final short producerEpoch,
        final int lastSequence,
        final long lastOffset,
        final int offsetDelta,
        final long timestamp) {
        buffer.putLong(producerId)
            .putShort(producerEpoch)
            .putInt(lastSequence)
            .putLong(lastOffset)
            .putInt(offsetDelta)
            .putLong(timestamp)
            .putInt(NO_COORDINATOR_EPOCH)
            .putLong(NO_TXN_FIRST_OFFSET);
    }
}
