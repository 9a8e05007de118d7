package keel.index.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures heap allocation of the calling thread, to prove that a hot path allocates nothing.
 *
 * <p>Stateless: thread-safe; each call measures its own thread.
 */
public final class Allocations {
    private Allocations() {
    }

    /**
     * Runs {@code action} once to warm it up, then again and reports what the second run allocated.
     *
     * @param action the code to measure
     * @return bytes allocated by the calling thread during the measured run
     */
    public static long bytesAllocatedBy(final Runnable action) {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        action.run();
        final long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
