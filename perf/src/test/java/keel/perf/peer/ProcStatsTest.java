package keel.perf.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void shouldReadCpuTimeOfRunningProcess() {
        // This JVM has run class loading and JIT threads; it has used some CPU and the value only grows.
        final double first = ProcStats.cpuSeconds(SELF);
        assertTrue(first > 0, "cpuSeconds=" + first);
        assertTrue(ProcStats.cpuSeconds(SELF) >= first);
    }

    @Test
    void shouldReadPeakRssNoSmallerThanCurrentRss() {
        final long current = ProcStats.rssBytes(SELF);
        final long peak = ProcStats.peakRssBytes(SELF);
        assertTrue(current > 0, "rssBytes=" + current);
        assertTrue(peak >= current, "peak=" + peak + " current=" + current);
    }

    @Test
    void shouldReturnMinusOneWhenProcessDoesNotExist() {
        assertEquals(-1, ProcStats.cpuSeconds(Long.MAX_VALUE));
        assertEquals(-1, ProcStats.peakRssBytes(Long.MAX_VALUE));
    }
}
