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
    void shouldReadPeakAndCurrentRssOfRunningProcess() {
        // Not peak >= current: the kernel folds RSS into VmHWM lazily, so a read can show the peak a page behind.
        final long current = ProcStats.rssBytes(SELF);
        final long peak = ProcStats.peakRssBytes(SELF);
        assertTrue(current > 1 << 20, "rssBytes=" + current);
        assertTrue(peak > 1 << 20, "peakRssBytes=" + peak);
    }

    @Test
    void shouldReturnMinusOneWhenProcessDoesNotExist() {
        assertEquals(-1, ProcStats.cpuSeconds(Long.MAX_VALUE));
        assertEquals(-1, ProcStats.peakRssBytes(Long.MAX_VALUE));
    }
}
