package keel.perf.stats;

import java.util.Arrays;

/**
 * Order statistics of small sample sets (one value per benchmark round). Stateless, thread-safe.
 *
 * <p>Rounds run interleaved, A B A B, so that slow drift of the machine (thermal state, page cache, other tenants)
 * affects both servers alike. {@link #pairedRatios} therefore divides the candidate's sample by the baseline's sample
 * of the same round, and {@link #pairedRatioMedian} takes the median of those per-round ratios, which cancels drift
 * that a ratio of the two overall medians would keep.
 */
public final class Stats {

    private Stats() {
    }

    /**
     * @param samples at least one value; not modified
     * @return the median, the mean of the two middle values when the count is even
     */
    public static double median(final double[] samples) {
        checkNotEmpty(samples);
        final double[] sorted = samples.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        if (sorted.length % 2 == 1) {
            return sorted[middle];
        }
        return (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /**
     * @param samples at least one value; not modified
     * @return median, min, max and count
     */
    public static Spread spread(final double[] samples) {
        checkNotEmpty(samples);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (final double sample : samples) {
            min = Math.min(min, sample);
            max = Math.max(max, sample);
        }
        return new Spread(median(samples), min, max, samples.length);
    }

    /**
     * @param baseline  one sample per round of the baseline (Kafka)
     * @param candidate one sample per round of the candidate (Keel), the same rounds in the same order
     * @return candidate[i] / baseline[i] for every round i
     * @throws IllegalArgumentException when the counts differ, are zero, or a baseline sample is 0
     */
    public static double[] pairedRatios(final double[] baseline, final double[] candidate) {
        checkNotEmpty(baseline);
        if (baseline.length != candidate.length) {
            throw new IllegalArgumentException("paired samples differ in count: baseline=" + baseline.length
                + " candidate=" + candidate.length);
        }
        final double[] ratios = new double[baseline.length];
        for (int i = 0; i < baseline.length; i++) {
            if (baseline[i] == 0) {
                throw new IllegalArgumentException("baseline sample is 0, no ratio: round=" + i);
            }
            ratios[i] = candidate[i] / baseline[i];
        }
        return ratios;
    }

    /**
     * @param baseline  one sample per round of the baseline
     * @param candidate one sample per round of the candidate
     * @return the median of the per-round ratios candidate/baseline
     */
    public static double pairedRatioMedian(final double[] baseline, final double[] candidate) {
        return median(pairedRatios(baseline, candidate));
    }

    private static void checkNotEmpty(final double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }
}
