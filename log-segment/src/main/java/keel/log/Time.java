package keel.log;

/**
 * Source of time for the engine. Engine code never reads the system clock directly, so tests can drive
 * rolling, retention, flush and producer expiry with a manual clock. Implementations are thread-safe.
 */
public interface Time {
    /** The system clock. */
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }
    };

    /**
     * Wall-clock time, for timestamps and time-based retention.
     *
     * @return milliseconds since the epoch.
     */
    long milliseconds();

    /**
     * Monotonic time, for durations.
     *
     * @return nanoseconds from an arbitrary origin.
     */
    long nanoseconds();
}
