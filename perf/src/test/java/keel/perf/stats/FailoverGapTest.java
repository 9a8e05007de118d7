package keel.perf.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailoverGapTest {

    private static final long MS = 1_000_000L;
    private static final long FAILED = FailoverGap.FAILED;
    private static final long PENDING = FailoverGap.PENDING;

    @Test
    void shouldMeasureRecoveryFromKillToFirstAckOfRecordSentAfterKill() {
        // Sends every 10 ms; kill at 25 ms. Records sent at 30 and 40 ms are acknowledged at 900 and 905 ms.
        final long[] send = {0, 10 * MS, 20 * MS, 30 * MS, 40 * MS};
        final long[] ack = {2 * MS, 12 * MS, 880 * MS, 900 * MS, 905 * MS};
        final FailoverGap gap = FailoverGap.of(send, ack, 5, 25 * MS);
        assertEquals(875.0, gap.recoveryMs(), 1e-9);
    }

    @Test
    void shouldNotCountAcksOfRecordsSentBeforeKillAsRecovery() {
        // The record sent at 20 ms (before the kill) is retried and acknowledged at 500 ms; the first record sent
        // after the kill only at 700 ms.
        final long[] send = {0, 20 * MS, 30 * MS};
        final long[] ack = {1 * MS, 500 * MS, 700 * MS};
        assertEquals(675.0, FailoverGap.of(send, ack, 3, 25 * MS).recoveryMs(), 1e-9);
    }

    @Test
    void shouldTakeLongestAckGapSpanningTheKill() {
        // Last ack before the kill at 12 ms, next at 880 ms: an 868 ms stall, longer than any gap after it.
        final long[] send = {0, 10 * MS, 20 * MS, 30 * MS, 40 * MS};
        final long[] ack = {2 * MS, 12 * MS, 880 * MS, 900 * MS, 905 * MS};
        assertEquals(868.0, FailoverGap.of(send, ack, 5, 25 * MS).maxAckGapMs(), 1e-9);
    }

    @Test
    void shouldIgnoreAckGapsThatEndBeforeTheKill() {
        // A 500 ms gap before the kill (acks at 1 and 501 ms) is not the failover's; the gap around the kill is
        // 501 -> 560 ms.
        final long[] send = {0, 400 * MS, 550 * MS, 560 * MS};
        final long[] ack = {1 * MS, 501 * MS, 560 * MS, 570 * MS};
        assertEquals(59.0, FailoverGap.of(send, ack, 4, 540 * MS).maxAckGapMs(), 1e-9);
    }

    @Test
    void shouldMeasureGapFromKillWhenNothingWasAcknowledgedBefore() {
        final long[] send = {0, 10 * MS};
        final long[] ack = {300 * MS, 310 * MS};
        assertEquals(295.0, FailoverGap.of(send, ack, 2, 5 * MS).maxAckGapMs(), 1e-9);
    }

    @Test
    void shouldCountFailedPendingAndRecordsSentBeforeAndAfterKill() {
        final long[] send = {0, 10 * MS, 20 * MS, 30 * MS, 40 * MS, 0};
        final long[] ack = {1 * MS, FAILED, 60 * MS, PENDING, 70 * MS, 99 * MS};
        final FailoverGap gap = FailoverGap.of(send, ack, 5, 15 * MS);
        assertEquals(2, gap.sentBeforeKill());
        assertEquals(3, gap.sentAfterKill());
        assertEquals(1, gap.failed());
        assertEquals(1, gap.unacknowledged());
    }

    @Test
    void shouldReportNaNWhenNothingSentAfterKillWasAcknowledged() {
        final long[] send = {0, 10 * MS, 20 * MS};
        final long[] ack = {1 * MS, PENDING, FAILED};
        final FailoverGap gap = FailoverGap.of(send, ack, 3, 5 * MS);
        assertTrue(Double.isNaN(gap.recoveryMs()), gap.toString());
        assertTrue(Double.isNaN(gap.maxAckGapMs()), gap.toString());
    }

    @Test
    void shouldRejectCountBeyondTheArrays() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FailoverGap.of(new long[2], new long[3], 3, 0));
        assertEquals("count out of range: count=3 sendNs=2 ackNs=3", e.getMessage());
    }
}
