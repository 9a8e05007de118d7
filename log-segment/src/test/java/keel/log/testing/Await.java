package keel.log.testing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that another thread makes true, with a deadline: the alternative to sleeping in tests.
 *
 * <p>Stateless: thread-safe.
 */
public final class Await {
    private Await() {
    }

    /**
     * Polls {@code condition} until it holds or {@code timeoutMs} pass.
     *
     * @param condition what to wait for.
     * @param timeoutMs the deadline.
     * @param message   what was awaited, for the failure.
     * @throws AssertionError on timeout.
     */
    public static void await(final BooleanSupplier condition, final long timeoutMs, final Supplier<String> message) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeoutMs + " ms waiting for " + message.get());
            }
            // a short park between polls: the condition is set by a background thread, not on a schedule we know
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
