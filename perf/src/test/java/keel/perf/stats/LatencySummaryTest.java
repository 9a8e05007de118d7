package keel.perf.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    /** 1 ms, 2 ms, ... 1000 ms, once each, recorded in microseconds. */
    private static Histogram oneToThousandMs() {
        final Histogram histogram = LatencySummary.newHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            histogram.recordValue(ms * 1000L);
        }
        return histogram;
    }

    @Test
    void shouldReadPercentilesOfKnownDataWithinHistogramPrecision() {
        final LatencySummary summary = LatencySummary.of(oneToThousandMs());
        // 3 significant digits: every value is within 0.1% of the exact order statistic.
        assertEquals(1000, summary.count());
        assertEquals(500.0, summary.p50Ms(), 0.5);
        assertEquals(900.0, summary.p90Ms(), 0.9);
        assertEquals(990.0, summary.p99Ms(), 1.0);
        assertEquals(999.0, summary.p999Ms(), 1.0);
        assertEquals(1000.0, summary.maxMs(), 1.0);
        assertEquals(500.5, summary.meanMs(), 0.5);
    }

    @Test
    void shouldOrderPercentilesWhenDataIsSkewed() {
        final Histogram histogram = LatencySummary.newHistogram();
        for (int i = 0; i < 10_000; i++) {
            histogram.recordValue(i % 100 == 0 ? 250_000 : 800);
        }
        final LatencySummary summary = LatencySummary.of(histogram);
        assertTrue(summary.isOrdered(), summary.toString());
        assertEquals(0.8, summary.p50Ms(), 0.001);
        assertEquals(250.0, summary.maxMs(), 0.25);
    }

    @Test
    void shouldGiveEmptySummaryWhenNothingRecorded() {
        assertSame(LatencySummary.EMPTY, LatencySummary.of(LatencySummary.newHistogram()));
    }

    @Test
    void shouldReportUnorderedWhenPercentilesDecrease() {
        assertFalse(new LatencySummary(3, 1, 2, 1, 3, 4, 5).isOrdered());
    }
}
