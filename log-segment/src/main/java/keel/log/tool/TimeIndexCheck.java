package keel.log.tool;

import keel.index.TimeIndex;
import keel.index.TimestampOffset;
import keel.log.RecordBatchFormat;

import java.util.BitSet;

/**
 * Checks a segment's time index ({@code .timeindex}) against the segment's batches, walking both in order.
 *
 * <p>Kafka's meaning of an entry {@code (timestamp, offset)}: {@code timestamp} is the largest batch
 * {@code maxTimestamp} of the segment up to {@code offset}, and {@code offset} is the last offset of the first batch
 * that reached it ({@code LogSegment} appends {@code (maxTimestampSoFar, offsetOfMaxTimestampSoFar)}); a search for
 * a time at or above {@code timestamp} may therefore start at {@code offset} and skip nothing. An entry agrees with
 * the log when:
 * <ol>
 *   <li>the entries are in order: offsets not below the segment's base offset, timestamps and offsets not
 *       decreasing (Kafka's sanity check);</li>
 *   <li>{@code offset} is inside a batch of the segment (not in a gap between batches, not past the last);</li>
 *   <li>that batch's {@code maxTimestamp} equals {@code timestamp};</li>
 *   <li>every batch before it has a {@code maxTimestamp} below {@code timestamp}: otherwise a search by time would
 *       start after a batch that holds a match;</li>
 * </ol>
 * and, for the index as a whole, its last entry carries the segment's largest timestamp: Kafka and Keel append that
 * entry when a segment is rolled or closed, and read the segment's largest timestamp from it when they open a log
 * without recovering it (time-based retention and ListOffsets use it). A run of zero entries at the end (the
 * preallocated space of an index not closed cleanly) is one problem. Entries out of order are reported and left out
 * of the later checks. Confined to one thread.
 */
final class TimeIndexCheck {
    private final String name;
    private final TimeIndex index;
    private final ProblemList problems;
    private final TimestampOffset entry = new TimestampOffset();
    private final BitSet inOrder = new BitSet();
    private final int entries;
    private int next;
    private boolean hasPreviousBatch;
    private long previousBatchLastOffset;
    private long maxBefore = RecordBatchFormat.NO_TIMESTAMP;
    private int maxBeforePosition = -1;
    private long lastInOrderTimestamp = RecordBatchFormat.NO_TIMESTAMP;

    TimeIndexCheck(final String name, final TimeIndex index, final ProblemList problems) {
        this.name = name;
        this.index = index;
        this.problems = problems;
        this.entries = entriesBeforeZeroTail();
        checkOrder();
    }

    /**
     * Checks the entries whose offset lies at or below a batch's last offset; call for every batch with intact
     * framing, in file order.
     *
     * @param position     the batch's position.
     * @param baseOffset   its base offset.
     * @param lastOffset   its last offset.
     * @param maxTimestamp its max timestamp.
     */
    void onBatch(final int position, final long baseOffset, final long lastOffset, final long maxTimestamp) {
        while (next < entries && (!inOrder.get(next) || offsetOf(next) <= lastOffset)) {
            if (inOrder.get(next)) {
                index.lookupEntry(next, entry);
                final long timestamp = entry.timestamp();
                final long offset = entry.offset();
                if (offset < baseOffset) {
                    problem(next, "offset " + offset + " is in no batch: " + (hasPreviousBatch ? "the batch ending at"
                        + " offset " + previousBatchLastOffset + " is followed by the one at position " + position
                        + ", which starts at offset " + baseOffset : "the first batch starts at offset " + baseOffset));
                } else {
                    if (maxTimestamp != timestamp) {
                        problem(next, "the batch holding offset " + offset + " (position " + position + ", offsets "
                            + baseOffset + " to " + lastOffset + ") has max timestamp " + maxTimestamp + ", not "
                            + timestamp);
                    }
                    if (maxBefore >= timestamp) {
                        problem(next, "the batch at position " + maxBeforePosition + ", before offset " + offset
                            + ", already has max timestamp " + maxBefore + ": a search for that time would start"
                            + " after it");
                    }
                }
            }
            next++;
        }
        hasPreviousBatch = true;
        previousBatchLastOffset = lastOffset;
        if (maxTimestamp > maxBefore) {
            maxBefore = maxTimestamp;
            maxBeforePosition = position;
        }
    }

    /**
     * Checks the entries past the batches and the final entry.
     *
     * @param segmentLastOffset     the last offset of the last whole batch; ignored if there is none.
     * @param segmentMaxTimestamp   the largest batch max timestamp, or {@link RecordBatchFormat#NO_TIMESTAMP}.
     * @param offsetOfMaxTimestamp  the last offset of the first batch with that timestamp.
     */
    void finish(final long segmentLastOffset, final long segmentMaxTimestamp, final long offsetOfMaxTimestamp) {
        for (int i = next; i < entries; i++) {
            if (inOrder.get(i)) {
                problem(i, hasPreviousBatch ? "the offset is above the last offset " + segmentLastOffset
                    + " in the segment" : "the segment holds no batches");
            }
        }
        if (segmentMaxTimestamp != RecordBatchFormat.NO_TIMESTAMP && lastInOrderTimestamp < segmentMaxTimestamp) {
            problems.problem(name, null, (lastInOrderTimestamp == RecordBatchFormat.NO_TIMESTAMP
                ? "no entry" : "the last entry has timestamp " + lastInOrderTimestamp) + " but the segment's largest"
                + " timestamp is " + segmentMaxTimestamp + " (offset " + offsetOfMaxTimestamp + "): the entry written"
                + " when a segment is rolled or closed is missing");
        }
    }

    private long offsetOf(final int n) {
        return index.offset(n);
    }

    private int entriesBeforeZeroTail() {
        final int n = index.entries();
        int zeros = 0;
        while (zeros < n && index.relativeOffset(n - 1 - zeros) == 0 && index.timestamp(n - 1 - zeros) == 0L) {
            zeros++;
        }
        // A zero entry after a real one breaks the order, and two equal entries are never appended: both can only
        // be preallocated space. A single entry (0, base offset) is a real one for a batch stamped at the epoch.
        if (zeros > 1 || (zeros == 1 && n > 1)) {
            problems.problem(name, (zeros == 1 ? "entry " + (n - 1) : "entries " + (n - zeros) + " to " + (n - 1)),
                Text.plural(zeros, "zero entry") + " at the end: the preallocated space of an index that was not"
                    + " closed cleanly (the engine rebuilds the index when it recovers the segment)");
            return n - zeros;
        }
        return n;
    }

    private void checkOrder() {
        boolean any = false;
        long previousTimestamp = 0;
        long previousOffset = 0;
        int previous = -1;
        for (int i = 0; i < entries; i++) {
            index.lookupEntry(i, entry);
            if (index.relativeOffset(i) < 0) {
                problem(i, "the offset is below the segment's base offset " + index.baseOffset());
            } else if (any && entry.timestamp() < previousTimestamp) {
                problem(i, "the timestamp is below the timestamp " + previousTimestamp + " of entry " + previous);
            } else if (any && entry.offset() < previousOffset) {
                problem(i, "the offset is below the offset " + previousOffset + " of entry " + previous);
            } else {
                inOrder.set(i);
                any = true;
                previousTimestamp = entry.timestamp();
                previousOffset = entry.offset();
                previous = i;
                lastInOrderTimestamp = previousTimestamp;
            }
        }
    }

    private void problem(final int n, final String what) {
        index.lookupEntry(n, entry);
        problems.problem(name, "entry " + n + " (timestamp " + entry.timestamp() + ", offset " + entry.offset() + ")",
            what);
    }
}
