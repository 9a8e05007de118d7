package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CompareCaseTest {

    @Test
    void shouldRunAcksAllThroughputThenFixedRateLatencyWhenClusterMatrix() {
        final List<CompareCase> cases = CompareCase.clusterMatrix(List.of(0.25, 0.5));
        assertEquals(List.of("produce-1KiB-acksall-rf3", "produce-1KiB-acksall-rf3-25pct",
            "produce-1KiB-acksall-rf3-50pct"), cases.stream().map(CompareCase::name).toList());
        assertEquals(CompareCase.Kind.PRODUCE, cases.get(0).kind());
        for (final CompareCase latency : cases.subList(1, 3)) {
            assertEquals(CompareCase.Kind.PRODUCE_AT_RATE, latency.kind());
            assertEquals("all", latency.acks());
            assertEquals(1024, latency.recordSizeBytes());
            assertEquals(CompareCase.CLUSTER_RATE_REFERENCE, latency.referenceCase());
        }
        assertEquals("all", cases.get(0).acks());
    }

    @Test
    void shouldSetSingleNodeLatencyRatesFromAcks1ProduceWhenSingleNodeMatrix() {
        final List<CompareCase> cases = CompareCase.matrix(true, List.of(0.5));
        final CompareCase e2e = cases.get(cases.size() - 1);
        assertEquals("e2e-1KiB-50pct", e2e.name());
        assertEquals(CompareCase.RATE_REFERENCE, e2e.referenceCase());
    }
}
