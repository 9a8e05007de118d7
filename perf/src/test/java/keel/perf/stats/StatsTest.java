package keel.perf.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void shouldTakeMiddleValueWhenCountIsOdd() {
        assertEquals(3.0, Stats.median(new double[] {5, 1, 3, 9, 2}));
    }

    @Test
    void shouldAverageTwoMiddleValuesWhenCountIsEven() {
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void shouldNotReorderCallersArrayWhenTakingMedian() {
        final double[] samples = {3, 1, 2};
        Stats.median(samples);
        assertArrayEquals(new double[] {3, 1, 2}, samples);
    }

    @Test
    void shouldReportMedianMinMaxAndCountWhenSpreading() {
        assertEquals(new Spread(20, 10, 40, 3), Stats.spread(new double[] {40, 10, 20}));
    }

    @Test
    void shouldGiveRelativeRangeOfSpread() {
        assertEquals(1.5, new Spread(20, 10, 40, 3).relativeRange());
    }

    @Test
    void shouldDivideCandidateByBaselineRoundByRound() {
        assertArrayEquals(new double[] {2.0, 0.5, 1.5},
            Stats.pairedRatios(new double[] {10, 40, 20}, new double[] {20, 20, 30}));
    }

    @Test
    void shouldCancelDriftWhenPairingInterleavedRounds() {
        // The machine slows down 2x per round; the candidate is always 1.5x the baseline of the same round.
        // Ratio of medians would be 30/20 = 1.5 here too, so make drift uneven: pairing still gives 1.5 exactly.
        final double[] baseline = {100, 50, 25, 400};
        final double[] candidate = {150, 75, 37.5, 600};
        assertEquals(1.5, Stats.pairedRatioMedian(baseline, candidate), 1e-12);
    }

    @Test
    void shouldTakeMedianOfPerRoundRatiosNotRatioOfMedians() {
        final double[] baseline = {10, 100, 1000};
        final double[] candidate = {30, 100, 1000};
        // per-round ratios 3, 1, 1 -> median 1; ratio of medians would also be 1, so use an asymmetric set
        assertEquals(1.0, Stats.pairedRatioMedian(baseline, candidate));
        assertEquals(2.0, Stats.pairedRatioMedian(new double[] {1, 2, 4}, new double[] {2, 6, 4}));
    }

    @Test
    void shouldRejectPairsWhenCountsDiffer() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Stats.pairedRatios(new double[] {1, 2}, new double[] {1}));
        assertEquals("paired samples differ in count: baseline=2 candidate=1", e.getMessage());
    }

    @Test
    void shouldRejectPairWhenBaselineSampleIsZero() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Stats.pairedRatios(new double[] {1, 0}, new double[] {1, 1}));
        assertEquals("baseline sample is 0, no ratio: round=1", e.getMessage());
    }

    @Test
    void shouldRejectMedianWhenNoSamples() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Stats.median(new double[0]));
        assertEquals("no samples", e.getMessage());
    }
}
