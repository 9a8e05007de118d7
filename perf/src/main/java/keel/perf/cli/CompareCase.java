package keel.perf.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One workload of the comparison matrix. Immutable, thread-safe.
 *
 * @param name            the case's name in reports
 * @param kind            what it measures
 * @param recordSizeBytes value size
 * @param acks            the producer's acks
 * @param rateFraction    for latency cases, the fixed rate as a fraction of the slower server's median maximum in
 *                        {@code referenceCase}; 0 otherwise
 * @param referenceCase   for latency cases, the throughput case whose maximum sets the rate; null otherwise
 */
record CompareCase(String name, Kind kind, int recordSizeBytes, String acks, double rateFraction,
                   String referenceCase) {

    /** The throughput case whose maximum sets the rates of the single-node latency cases. */
    static final String RATE_REFERENCE = "produce-1KiB-acks1";
    /** The throughput case of a three-broker comparison, whose maximum sets the rates of its latency cases. */
    static final String CLUSTER_RATE_REFERENCE = "produce-1KiB-acksall-rf3";

    /** What a case measures. */
    enum Kind {
        /** Unthrottled produce: records/s, MB/s and send-to-ack latency. Bytes count as ingested. */
        PRODUCE,
        /** Read a prefilled topic from the beginning: records/s and MB/s. Bytes count as served. */
        CONSUME,
        /** Produce-to-consume latency at a fixed rate. Bytes count as ingested (each is also served once). */
        E2E,
        /** Send-to-ack latency of a producer at a fixed rate. Bytes count as ingested. */
        PRODUCE_AT_RATE
    }

    boolean isLatencyCase() {
        return kind == Kind.E2E || kind == Kind.PRODUCE_AT_RATE;
    }

    /**
     * The single-node matrix.
     *
     * @param quick         the quick smoke matrix instead of the full one
     * @param rateFractions the fixed rates of the latency cases, as fractions of the slower server's maximum
     * @return the matrix: throughput cases first, then latency cases
     */
    static List<CompareCase> matrix(final boolean quick, final List<Double> rateFractions) {
        final List<CompareCase> cases = new ArrayList<>();
        if (!quick) {
            cases.add(throughput("produce-100B-acks1", Kind.PRODUCE, 100, "1"));
        }
        cases.add(throughput(RATE_REFERENCE, Kind.PRODUCE, 1024, "1"));
        if (!quick) {
            cases.add(throughput("produce-1KiB-acksall", Kind.PRODUCE, 1024, "all"));
        }
        cases.add(throughput("consume-1KiB", Kind.CONSUME, 1024, "1"));
        for (final double fraction : rateFractions) {
            cases.add(new CompareCase(String.format(Locale.ROOT, "e2e-1KiB-%.0fpct", fraction * 100), Kind.E2E,
                1024, "1", fraction, RATE_REFERENCE));
        }
        return cases;
    }

    /**
     * The three-broker matrix (issue 5's benchmark): produce with acks=all to topics of replication factor 3,
     * unthrottled for throughput, then at fixed rates for send-to-ack latency. The same in quick mode (only the
     * rounds and durations shrink).
     *
     * @param rateFractions the fixed rates of the latency cases, as fractions of the slower cluster's maximum
     * @return the matrix: the throughput case first, then latency cases
     */
    static List<CompareCase> clusterMatrix(final List<Double> rateFractions) {
        final List<CompareCase> cases = new ArrayList<>();
        cases.add(throughput(CLUSTER_RATE_REFERENCE, Kind.PRODUCE, 1024, "all"));
        for (final double fraction : rateFractions) {
            cases.add(new CompareCase(String.format(Locale.ROOT, "%s-%.0fpct", CLUSTER_RATE_REFERENCE,
                fraction * 100), Kind.PRODUCE_AT_RATE, 1024, "all", fraction, CLUSTER_RATE_REFERENCE));
        }
        return cases;
    }

    private static CompareCase throughput(final String name, final Kind kind, final int size, final String acks) {
        return new CompareCase(name, kind, size, acks, 0, null);
    }
}
