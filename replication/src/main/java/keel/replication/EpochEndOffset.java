package keel.replication;

/**
 * The answer to an OffsetForLeaderEpoch question (KIP-101/279): the largest epoch at or below the requested one
 * that the replica knows, and the end offset of that epoch (the start offset of the next higher epoch, or the log
 * end offset for the current epoch). Immutable; thread-safe.
 */
public final class EpochEndOffset {
    /** Epoch of an unknown epoch (Kafka {@code UNDEFINED_EPOCH}). */
    public static final int UNDEFINED_EPOCH = -1;
    /** End offset of an unknown epoch (Kafka {@code UNDEFINED_EPOCH_OFFSET}). */
    public static final long UNDEFINED_EPOCH_OFFSET = -1L;
    /** Both undefined, no error. */
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(ReplicationError.NONE, UNDEFINED_EPOCH,
        UNDEFINED_EPOCH_OFFSET);

    private final int errorCode;
    private final int leaderEpoch;
    private final long endOffset;

    /**
     * @param errorCode   {@link ReplicationError#NONE}, or why there is no answer (FENCED_LEADER_EPOCH,
     *                    UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER, a transport failure...).
     * @param leaderEpoch the largest known epoch at or below the requested one, or {@link #UNDEFINED_EPOCH}.
     * @param endOffset   that epoch's end offset (exclusive), or {@link #UNDEFINED_EPOCH_OFFSET}.
     */
    public EpochEndOffset(final int errorCode, final int leaderEpoch, final long endOffset) {
        this.errorCode = errorCode;
        this.leaderEpoch = leaderEpoch;
        this.endOffset = endOffset;
    }

    /**
     * @param errorCode the error.
     * @return an answer carrying only an error.
     */
    public static EpochEndOffset error(final int errorCode) {
        return new EpochEndOffset(errorCode, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
    }

    public int errorCode() {
        return errorCode;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public long endOffset() {
        return endOffset;
    }

    /**
     * @return true when no epoch at or below the requested one is known.
     */
    public boolean isUndefined() {
        return endOffset == UNDEFINED_EPOCH_OFFSET;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof EpochEndOffset)) {
            return false;
        }
        final EpochEndOffset other = (EpochEndOffset) o;
        return errorCode == other.errorCode && leaderEpoch == other.leaderEpoch && endOffset == other.endOffset;
    }

    @Override
    public int hashCode() {
        return (errorCode * 31 + leaderEpoch) * 31 + Long.hashCode(endOffset);
    }

    @Override
    public String toString() {
        return "EpochEndOffset{error=" + ReplicationError.name(errorCode) + ", leaderEpoch=" + leaderEpoch
            + ", endOffset=" + endOffset + '}';
    }
}
