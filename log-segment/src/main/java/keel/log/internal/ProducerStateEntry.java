package keel.log.internal;

/**
 * State of one idempotent producer in one partition: its epoch, the time of its last append (for expiry) and the
 * metadata of its last {@link #RETAINED_BATCHES} appended batches, oldest first.
 *
 * <p>Layout: the batches sit in a ring of parallel primitive arrays ({@code head} is the oldest slot, {@code count}
 * the number of valid slots), reused for the producer's life, so adding a batch allocates nothing.
 *
 * <p>Not thread-safe: owned by {@link ProducerStateManager}, touched only by its single writer.
 */
final class ProducerStateEntry {
    /**
     * Batches kept for duplicate detection. Kafka's {@code ProducerStateEntry.NUM_BATCHES_TO_RETAIN} is 5 because
     * a producer has at most 5 in-flight requests per connection when idempotence is on
     * ({@code max.in.flight.requests.per.connection <= 5}), so any retry targets one of the last 5 batches.
     */
    static final int RETAINED_BATCHES = 5;

    private final long producerId;
    private final int[] firstSequences = new int[RETAINED_BATCHES];
    private final int[] lastSequences = new int[RETAINED_BATCHES];
    private final long[] firstOffsets = new long[RETAINED_BATCHES];
    private final long[] lastOffsets = new long[RETAINED_BATCHES];
    private final long[] maxTimestampsMs = new long[RETAINED_BATCHES];
    private short producerEpoch;
    private long lastUpdateMs;
    private int head;
    private int count;

    ProducerStateEntry(final long producerId, final short producerEpoch, final long lastUpdateMs) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.lastUpdateMs = lastUpdateMs;
    }

    long producerId() {
        return producerId;
    }

    short producerEpoch() {
        return producerEpoch;
    }

    long lastUpdateMs() {
        return lastUpdateMs;
    }

    void lastUpdateMs(final long lastUpdateMs) {
        this.lastUpdateMs = lastUpdateMs;
    }

    int batchCount() {
        return count;
    }

    /**
     * Moves the producer to another epoch. Sequences restart with a new epoch, so the batches of the old one can
     * neither be duplicates nor the base of the next sequence; Kafka drops them too
     * ({@code ProducerStateEntry.maybeUpdateProducerEpoch}).
     */
    void maybeUpdateProducerEpoch(final short newEpoch) {
        if (producerEpoch != newEpoch) {
            producerEpoch = newEpoch;
            head = 0;
            count = 0;
        }
    }

    void addBatch(
        final int firstSequence,
        final int lastSequence,
        final long firstOffset,
        final long lastOffset,
        final long maxTimestampMs) {
        final int slot;
        if (count == RETAINED_BATCHES) {
            slot = head;
            head = next(head);
        } else {
            slot = slot(count);
            count++;
        }
        firstSequences[slot] = firstSequence;
        lastSequences[slot] = lastSequence;
        firstOffsets[slot] = firstOffset;
        lastOffsets[slot] = lastOffset;
        maxTimestampsMs[slot] = maxTimestampMs;
    }

    /**
     * @return index (0 = oldest) of the retained batch with exactly this sequence range, or -1.
     */
    int findBatch(final int firstSequence, final int lastSequence) {
        for (int i = 0; i < count; i++) {
            final int slot = slot(i);
            if (firstSequences[slot] == firstSequence && lastSequences[slot] == lastSequence) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return last sequence of the newest batch, or {@link ProducerStateManager#NO_SEQUENCE} if none is retained.
     */
    int lastSequence() {
        return count == 0 ? ProducerStateManager.NO_SEQUENCE : lastSequences[slot(count - 1)];
    }

    int firstSequence(final int index) {
        return firstSequences[slot(index)];
    }

    int lastSequence(final int index) {
        return lastSequences[slot(index)];
    }

    long firstOffset(final int index) {
        return firstOffsets[slot(index)];
    }

    long lastOffset(final int index) {
        return lastOffsets[slot(index)];
    }

    long maxTimestampMs(final int index) {
        return maxTimestampsMs[slot(index)];
    }

    void copyBatch(final int index, final ProducerStateResult out) {
        final int slot = slot(index);
        out.set(producerEpoch, firstSequences[slot], lastSequences[slot], firstOffsets[slot], lastOffsets[slot],
            maxTimestampsMs[slot]);
    }

    private int slot(final int index) {
        final int slot = head + index;
        return slot >= RETAINED_BATCHES ? slot - RETAINED_BATCHES : slot;
    }

    private static int next(final int slot) {
        return slot + 1 == RETAINED_BATCHES ? 0 : slot + 1;
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder(128)
            .append("ProducerStateEntry{producerId=").append(producerId)
            .append(", producerEpoch=").append(producerEpoch)
            .append(", lastUpdateMs=").append(lastUpdateMs)
            .append(", batches=[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("seq ").append(firstSequence(i)).append("..").append(lastSequence(i))
                .append(" offset ").append(firstOffset(i)).append("..").append(lastOffset(i))
                .append(" ts ").append(maxTimestampMs(i));
        }
        return sb.append("]}").toString();
    }
}
