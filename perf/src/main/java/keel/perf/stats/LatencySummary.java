package keel.perf.stats;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds, read from an HdrHistogram recorded in microseconds. Immutable, thread-safe.
 *
 * @param count  how many latencies were recorded
 * @param meanMs the mean
 * @param p50Ms  the 50th percentile
 * @param p90Ms  the 90th percentile
 * @param p99Ms  the 99th percentile
 * @param p999Ms the 99.9th percentile
 * @param maxMs  the largest value recorded
 */
public record LatencySummary(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms, double p999Ms,
                             double maxMs) {

    /** The highest latency a histogram from {@link #newHistogram()} records: 10 minutes, in microseconds. */
    public static final long HIGHEST_TRACKABLE_MICROS = 600_000_000L;

    /** The percentiles this summary reports, in order; also the points of the latency charts. */
    public static final double[] PERCENTILES = {50.0, 90.0, 99.0, 99.9, 100.0};

    /** An empty summary, for a run that recorded nothing. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    /**
     * @return a histogram for latencies in microseconds, 3 significant digits, up to
     *     {@link #HIGHEST_TRACKABLE_MICROS}; not thread-safe
     */
    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
    }

    /**
     * @param micros a histogram of latencies in microseconds
     * @return its percentiles in milliseconds, or {@link #EMPTY} when it holds nothing
     */
    public static LatencySummary of(final Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(), micros.getMean() / 1000.0,
            percentileMs(micros, 50.0), percentileMs(micros, 90.0), percentileMs(micros, 99.0),
            percentileMs(micros, 99.9), micros.getMaxValue() / 1000.0);
    }

    /**
     * @param micros     a histogram of latencies in microseconds
     * @param percentile 0 to 100
     * @return the value at that percentile in milliseconds (HdrHistogram's highest-equivalent value)
     */
    public static double percentileMs(final Histogram micros, final double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * @return true when p50 &lt;= p90 &lt;= p99 &lt;= p99.9 &lt;= max
     */
    public boolean isOrdered() {
        return p50Ms <= p90Ms && p90Ms <= p99Ms && p99Ms <= p999Ms && p999Ms <= maxMs;
    }
}
