package keel.perf.stats;

import java.util.Arrays;

/**
 * How long produce to one partition stopped succeeding around the kill of its leader, computed from each record's
 * send and acknowledgement times. Immutable, thread-safe.
 *
 * <p>Two figures, because each hides something the other shows:
 * <ul>
 *   <li>{@code recoveryMs}: from the kill to the first acknowledgement of a record <em>sent after</em> the kill,
 *       the "leader killed to produce succeeding again". Records sent before the kill and acknowledged
 *       after it (they were in flight, or retried) do not count as recovery.</li>
 *   <li>{@code maxAckGapMs}: the longest time without any acknowledgement, over the gaps that end after the kill
 *       (the gap that spans the kill included): what a producer's caller sees as a stall.</li>
 * </ul>
 *
 * @param recoveryMs     kill to the first ack of a record sent after it; NaN when none was acknowledged
 * @param maxAckGapMs    longest gap between consecutive acks that ends after the kill; NaN without an ack after it
 * @param sentBeforeKill records sent before the kill
 * @param sentAfterKill  records sent at or after the kill
 * @param failed         records whose send failed (an exception in the callback)
 * @param unacknowledged records with neither an ack nor a failure at the end
 */
public record FailoverGap(double recoveryMs, double maxAckGapMs, long sentBeforeKill, long sentAfterKill,
                          long failed, long unacknowledged) {

    /** Marks a record that was sent but has neither an ack nor a failure yet. */
    public static final long PENDING = 0;
    /** Marks a record whose send failed. */
    public static final long FAILED = -1;

    /**
     * @param sendNs  per record, the time of its send in nanoseconds from an origin before the first send
     * @param ackNs   per record, the time of its acknowledgement from the same origin (&gt; 0), {@link #PENDING} or
     *                {@link #FAILED}
     * @param count   records sent (the arrays' used prefix)
     * @param killNs  the time of the kill from the same origin
     * @return the figures
     * @throws IllegalArgumentException when count exceeds either array
     */
    public static FailoverGap of(final long[] sendNs, final long[] ackNs, final int count, final long killNs) {
        if (count < 0 || count > sendNs.length || count > ackNs.length) {
            throw new IllegalArgumentException("count out of range: count=" + count + " sendNs=" + sendNs.length
                + " ackNs=" + ackNs.length);
        }
        long before = 0;
        long failed = 0;
        long pending = 0;
        long firstAckAfterKill = Long.MAX_VALUE;
        final long[] acks = new long[count];
        int ackCount = 0;
        for (int i = 0; i < count; i++) {
            final boolean sentBefore = sendNs[i] < killNs;
            if (sentBefore) {
                before++;
            }
            if (ackNs[i] == FAILED) {
                failed++;
            } else if (ackNs[i] == PENDING) {
                pending++;
            } else {
                acks[ackCount++] = ackNs[i];
                if (!sentBefore && ackNs[i] - killNs < firstAckAfterKill) {
                    firstAckAfterKill = ackNs[i] - killNs;
                }
            }
        }
        final long[] sorted = Arrays.copyOf(acks, ackCount);
        Arrays.sort(sorted);
        long maxGap = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < killNs) {
                continue;
            }
            // The first ack after the kill closes the gap that began at the last ack before it (or at the kill,
            // when nothing was acknowledged before it).
            final long previous = i == 0 ? killNs : sorted[i - 1];
            maxGap = Math.max(maxGap, sorted[i] - previous);
        }
        return new FailoverGap(firstAckAfterKill == Long.MAX_VALUE ? Double.NaN : firstAckAfterKill / 1e6,
            maxGap < 0 ? Double.NaN : maxGap / 1e6, before, count - before, failed, pending);
    }
}
