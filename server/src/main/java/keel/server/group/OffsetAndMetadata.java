package keel.server.group;

/**
 * A committed offset. Immutable.
 *
 * @param offset            the offset, or -1 for "none" in a fetch answer.
 * @param leaderEpoch       the committed leader epoch (OffsetCommit v6+), or -1.
 * @param metadata          the client's metadata string ("" if none; null in a fetch answer means none).
 * @param commitTimestampMs when the coordinator accepted the commit; ignored in a commit request (the coordinator
 *                          stamps its own clock, as Kafka does since OffsetCommit v2).
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    /** Kafka's "no offset committed" answer: offset -1, no leader epoch, empty metadata. */
    public static final OffsetAndMetadata NONE = new OffsetAndMetadata(-1L, -1, "", -1L);

    /**
     * @param offset      the offset to commit.
     * @param leaderEpoch the leader epoch, or -1.
     * @param metadata    the metadata string, or null for "".
     * @return a commit value (the timestamp is stamped by the coordinator).
     */
    public static OffsetAndMetadata of(final long offset, final int leaderEpoch, final String metadata) {
        return new OffsetAndMetadata(offset, leaderEpoch, metadata == null ? "" : metadata, -1L);
    }
}
