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
 * @param rateFraction    for latency cases, the fixed rate as a fraction of the slower server's maximum of
 *                        {@link #RATE_REFERENCE}; 0 otherwise
 */
record CompareCase(String name, Kind kind, int recordSizeBytes, String acks, double rateFraction) {

    /** The throughput case whose maximum sets the rates of the latency cases. */
    static final String RATE_REFERENCE = "produce-1KiB-acks1";

    /** What a case measures. */
    enum Kind {
        /** Unthrottled produce: records/s, MB/s and send-to-ack latency. Bytes count as ingested. */
        PRODUCE,
        /** Read a prefilled topic from the beginning: records/s and MB/s. Bytes count as served. */
        CONSUME,
        /** Produce-to-consume latency at a fixed rate. Bytes count as ingested (each is also served once). */
        E2E
    }

    boolean isLatencyCase() {
        return kind == Kind.E2E;
    }

    /**
     * @param quick        the quick smoke matrix instead of the full one
     * @param rateFractions the fixed rates of the latency cases, as fractions of the slower server's maximum
     * @return the matrix: throughput cases first, then latency cases
     */
    static List<CompareCase> matrix(final boolean quick, final List<Double> rateFractions) {
        final List<CompareCase> cases = new ArrayList<>();
        if (!quick) {
            cases.add(new CompareCase("produce-100B-acks1", Kind.PRODUCE, 100, "1", 0));
        }
        cases.add(new CompareCase(RATE_REFERENCE, Kind.PRODUCE, 1024, "1", 0));
        if (!quick) {
            cases.add(new CompareCase("produce-1KiB-acksall", Kind.PRODUCE, 1024, "all", 0));
        }
        cases.add(new CompareCase("consume-1KiB", Kind.CONSUME, 1024, "1", 0));
        for (final double fraction : rateFractions) {
            cases.add(new CompareCase(String.format(Locale.ROOT, "e2e-1KiB-%.0fpct", fraction * 100), Kind.E2E,
                1024, "1", fraction));
        }
        return cases;
    }
}
