package keel.perf.load;

import keel.perf.stats.LatencySummary;

/**
 * What one load run measured. Immutable, thread-safe.
 *
 * @param records   records completed (acknowledged, consumed or received end to end)
 * @param bytes     their payload (value) bytes
 * @param errors    records that failed
 * @param elapsedNs wall time of the measured part
 * @param latency   send-to-ack latency (produce), produce-to-consume latency (e2e), or empty (consume)
 */
public record LoadResult(long records, long bytes, long errors, long elapsedNs, LatencySummary latency) {

    /** Bytes in a megabyte as this tool reports it (decimal, like the disk and network figures it is compared to). */
    public static final double BYTES_PER_MB = 1_000_000.0;

    /** @return records per second */
    public double recordsPerSec() {
        return elapsedNs <= 0 ? 0 : records * 1e9 / elapsedNs;
    }

    /** @return megabytes (10^6 bytes) of payload per second */
    public double mbPerSec() {
        return elapsedNs <= 0 ? 0 : bytes * 1e9 / elapsedNs / BYTES_PER_MB;
    }

    /** @return elapsed seconds */
    public double elapsedSec() {
        return elapsedNs / 1e9;
    }
}
