package keel.log.tool;

import keel.index.OffsetIndex;
import keel.index.OffsetPosition;

import java.util.BitSet;

/**
 * Checks a segment's offset index ({@code .index}) against the segment's batches, walking both in order.
 *
 * <p>Kafka's meaning of an entry {@code (offset, position)}: {@code position} is where a batch starts, and a fetch of
 * any offset at or above {@code offset} may start reading there, skipping nothing. Kafka's {@code LogSegment.append}
 * writes {@code (last offset of the appended batches, position of the first of them)}, and recovery (Kafka's and
 * Keel's) writes {@code (batch last offset, batch position)}; so {@code offset} is often, but not always, the last
 * offset of the batch at {@code position}. An entry agrees with the log when:
 * <ol>
 *   <li>the entries are in order: offsets strictly increasing and not below the segment's base offset, positions
 *       not decreasing and not negative (Kafka's sanity check);</li>
 *   <li>{@code position} is the start of a batch (not inside one, not at or past the end of the last whole
 *       batch);</li>
 *   <li>the batch before {@code position} ends below {@code offset}: otherwise a fetch of an offset of that batch
 *       would start past it;</li>
 *   <li>{@code offset} is at most the last offset in the segment.</li>
 * </ol>
 * A run of zero entries at the end (the preallocated space of an index not closed cleanly) is one problem, not one
 * per entry. Entries out of order are reported and left out of the later checks. Confined to one thread.
 */
final class OffsetIndexCheck {
    private final String name;
    private final OffsetIndex index;
    private final ProblemList problems;
    private final OffsetPosition entry = new OffsetPosition();
    private final BitSet inOrder = new BitSet();
    private final int entries;
    private int next;
    private boolean hasPreviousBatch;
    private long previousBatchLastOffset;

    OffsetIndexCheck(final String name, final OffsetIndex index, final ProblemList problems) {
        this.name = name;
        this.index = index;
        this.problems = problems;
        this.entries = entriesBeforeZeroTail();
        checkOrder();
    }

    /**
     * Checks the entries that point into a batch; call for every batch with intact framing, in file order.
     *
     * @param position   the batch's position.
     * @param size       its size.
     * @param lastOffset its last offset.
     */
    void onBatch(final int position, final int size, final long lastOffset) {
        final long end = (long) position + size;
        while (next < entries && (!inOrder.get(next) || positionOf(next) < end)) {
            if (inOrder.get(next)) {
                index.lookupEntry(next, entry);
                if (entry.position() != position) {
                    problem(next, "position " + entry.position() + " is inside the batch at positions " + position
                        + " to " + (end - 1) + ", not at the start of a batch");
                } else if (hasPreviousBatch && previousBatchLastOffset >= entry.offset()) {
                    problem(next, "the batch before position " + position + " ends at offset "
                        + previousBatchLastOffset + ", not below the entry's offset: a fetch of offset "
                        + previousBatchLastOffset + " would start reading after that batch");
                }
            }
            next++;
        }
        hasPreviousBatch = true;
        previousBatchLastOffset = lastOffset;
    }

    /**
     * Checks the entries beyond the batches, and every offset against the last one in the segment.
     *
     * @param batchesEnd        where the last whole batch ends.
     * @param segmentLastOffset the last offset of the last whole batch; ignored if there is none.
     */
    void finish(final int batchesEnd, final long segmentLastOffset) {
        final int matched = next;
        for (int i = 0; i < matched; i++) {
            if (inOrder.get(i)) {
                index.lookupEntry(i, entry);
                if (entry.offset() > segmentLastOffset) {
                    problem(i, "the offset is above the last offset " + segmentLastOffset + " in the segment");
                }
            }
        }
        for (int i = matched; i < entries; i++) {
            if (inOrder.get(i)) {
                index.lookupEntry(i, entry);
                problem(i, "position " + entry.position() + " is not before the end of the last whole batch"
                    + " (position " + batchesEnd + ")");
            }
        }
    }

    private int positionOf(final int n) {
        return index.position(n);
    }

    private int entriesBeforeZeroTail() {
        final int n = index.entries();
        int zeros = 0;
        while (zeros < n && index.relativeOffset(n - 1 - zeros) == 0 && index.position(n - 1 - zeros) == 0) {
            zeros++;
        }
        // Entry (base offset, 0) is never written (the first entry follows at least one batch), so a zero entry
        // after a real one, or two zero entries, can only be preallocated space.
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
        long previousOffset = 0;
        int previousPosition = 0;
        int previous = -1;
        for (int i = 0; i < entries; i++) {
            index.lookupEntry(i, entry);
            if (index.relativeOffset(i) < 0) {
                problem(i, "the offset is below the segment's base offset " + index.baseOffset());
            } else if (entry.position() < 0) {
                problem(i, "the position is negative");
            } else if (any && entry.offset() <= previousOffset) {
                problem(i, "the offset is not above the offset " + previousOffset + " of entry " + previous);
            } else if (any && entry.position() < previousPosition) {
                problem(i, "the position is below the position " + previousPosition + " of entry " + previous);
            } else {
                inOrder.set(i);
                any = true;
                previousOffset = entry.offset();
                previousPosition = entry.position();
                previous = i;
            }
        }
    }

    private void problem(final int n, final String what) {
        index.lookupEntry(n, entry);
        problems.problem(name, "entry " + n + " (offset " + entry.offset() + ", position " + entry.position() + ")",
            what);
    }
}
