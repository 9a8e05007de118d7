package keel.log.internal;

/**
 * Caller-owned, reusable holder for the metadata of one batch retained in the producer state: filled by
 * {@link ProducerStateManager#check} when a batch is a duplicate (so the Log can acknowledge it with the original
 * offsets without appending), and by the query methods of {@link ProducerStateManager}.
 *
 * <p>Mutable and not thread-safe: one owner (typically the partition's writer) reuses one instance, so the check
 * path allocates nothing. Values are only meaningful after a call that reports it filled the holder.
 */
public final class ProducerStateResult {
    private short producerEpoch = ProducerStateManager.NO_PRODUCER_EPOCH;
    private int firstSequence = ProducerStateManager.NO_SEQUENCE;
    private int lastSequence = ProducerStateManager.NO_SEQUENCE;
    private long firstOffset = -1L;
    private long lastOffset = -1L;
    private long timestampMs = -1L;

    /**
     * Creates an empty holder (all values -1).
     */
    public ProducerStateResult() {
    }

    /**
     * @return epoch of the producer when the batch was appended.
     */
    public short producerEpoch() {
        return producerEpoch;
    }

    /**
     * @return first sequence number of the batch.
     */
    public int firstSequence() {
        return firstSequence;
    }

    /**
     * @return last sequence number of the batch.
     */
    public int lastSequence() {
        return lastSequence;
    }

    /**
     * @return offset the batch's first record was given.
     */
    public long firstOffset() {
        return firstOffset;
    }

    /**
     * @return offset the batch's last record was given.
     */
    public long lastOffset() {
        return lastOffset;
    }

    /**
     * The batch's max timestamp. Kafka answers a duplicate with this value as the log-append time of the
     * produce response ({@code UnifiedLog.append}: {@code setLogAppendTime(duplicate.timestamp())}).
     *
     * @return the max timestamp of the batch in ms.
     */
    public long timestampMs() {
        return timestampMs;
    }

    /**
     * Resets all values to -1, so a stale value is never mistaken for a fresh one.
     *
     * @return this.
     */
    public ProducerStateResult reset() {
        return set(ProducerStateManager.NO_PRODUCER_EPOCH, ProducerStateManager.NO_SEQUENCE,
            ProducerStateManager.NO_SEQUENCE, -1L, -1L, -1L);
    }

    ProducerStateResult set(
        final short producerEpoch,
        final int firstSequence,
        final int lastSequence,
        final long firstOffset,
        final long lastOffset,
        final long timestampMs) {
        this.producerEpoch = producerEpoch;
        this.firstSequence = firstSequence;
        this.lastSequence = lastSequence;
        this.firstOffset = firstOffset;
        this.lastOffset = lastOffset;
        this.timestampMs = timestampMs;
        return this;
    }

    @Override
    public String toString() {
        return "ProducerStateResult{producerEpoch=" + producerEpoch
            + ", firstSequence=" + firstSequence
            + ", lastSequence=" + lastSequence
            + ", firstOffset=" + firstOffset
            + ", lastOffset=" + lastOffset
            + ", timestampMs=" + timestampMs
            + '}';
    }
}
