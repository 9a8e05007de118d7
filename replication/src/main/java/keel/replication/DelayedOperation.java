package keel.replication;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request parked until a condition holds or its deadline passes: an acks=all produce waiting for the high
 * watermark, a long-poll fetch waiting for data. Subclasses say when they can complete ({@link #tryComplete()},
 * a side-effect-free check that may run on any thread, concurrently) and what completing does
 * ({@link #onComplete(boolean)}, called exactly once, on whichever thread won the completion).
 *
 * <p>Thread-safe: completion is decided by one compare-and-set, so a timeout racing a completion check never
 * answers twice.
 */
public abstract class DelayedOperation {
    private final long delayMs;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;
    private volatile List<Object> keys;

    /**
     * @param delayMs how long the operation may wait at most.
     */
    protected DelayedOperation(final long delayMs) {
        this.delayMs = delayMs;
    }

    /**
     * @return how long the operation may wait at most.
     */
    public long delayMs() {
        return delayMs;
    }

    /**
     * @return true when the condition the operation waits for holds; must not have side effects.
     */
    protected abstract boolean tryComplete();

    /**
     * Completes the operation (answers the request). Called exactly once.
     *
     * @param expired true when the deadline passed before the condition held (or the purgatory shut down).
     */
    protected abstract void onComplete(boolean expired);

    /**
     * Completes the operation now unless it already is.
     *
     * @param expired passed to {@link #onComplete(boolean)}.
     * @return true if this call completed it.
     */
    public final boolean forceComplete(final boolean expired) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        final ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        onComplete(expired);
        return true;
    }

    /**
     * @return true once completed (by its condition, its deadline or a shutdown).
     */
    public final boolean isCompleted() {
        return completed.get();
    }

    final void timeout(final ScheduledFuture<?> future) {
        this.timeout = future;
        if (completed.get()) {
            // completed between scheduling and this store: the timer entry is useless
            future.cancel(false);
        }
    }

    final List<Object> keys() {
        return keys;
    }

    final void keys(final List<Object> watchedKeys) {
        this.keys = watchedKeys;
    }
}
