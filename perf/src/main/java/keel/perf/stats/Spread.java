package keel.perf.stats;

/**
 * The median and the range of a set of samples. Immutable, thread-safe.
 *
 * @param median the median (the mean of the two middle values for an even count)
 * @param min    the smallest sample
 * @param max    the largest sample
 * @param count  how many samples
 */
public record Spread(double median, double min, double max, int count) {

    /**
     * @return (max - min) / median, the relative width of the range; 0 when the median is 0
     */
    public double relativeRange() {
        return median == 0 ? 0 : (max - min) / median;
    }
}
