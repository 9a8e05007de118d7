package keel.replication;

/**
 * Runs the replication layer's deferred work: the next fetch of a replica fetcher after a back-off, the periodic
 * ISR-expiry check, the periodic high-watermark checkpoint. The server implements it with a
 * {@code ScheduledExecutorService}; tests implement it with a queue driven by a manual clock, so that a whole
 * cluster runs step by step on one thread.
 *
 * <p>Implementations must be thread-safe; tasks may run on any thread, and two tasks may run concurrently (the
 * replication classes lock what they share).
 */
@FunctionalInterface
public interface Scheduler {
    /**
     * Runs {@code task} once, {@code delayMs} from now (0: as soon as possible, but never inside this call).
     *
     * @param task    the work.
     * @param delayMs the delay in milliseconds, 0 or more.
     */
    void schedule(Runnable task, long delayMs);
}
