package keel.server.protocol;

import keel.log.ReadResult;
import keel.replication.DelayedOperation;

/**
 * A long-poll fetch parked until its partitions hold {@code min.bytes} below the high watermark, a partition goes
 * away, or {@code max.wait.ms} passes; it then reads and answers. The check is serialised per operation (one scratch
 * read result). Thread-safe.
 */
final class DelayedFetch extends DelayedOperation {
    private final FetchState state;
    private final ReadResult scratch = new ReadResult();
    private final Runnable onDone;
    private volatile boolean cancelled;

    DelayedFetch(final long maxWaitMs, final FetchState state, final Runnable onDone) {
        super(maxWaitMs);
        this.state = state;
        this.onDone = onDone;
    }

    /**
     * Marks the fetch as abandoned (its connection is gone): completing it then answers nothing.
     */
    void abandon() {
        cancelled = true;
    }

    @Override
    protected synchronized boolean tryComplete() {
        return state.canComplete(scratch);
    }

    @Override
    protected void onComplete(final boolean expired) {
        onDone.run();
        if (cancelled) {
            state.abandon();
            return;
        }
        synchronized (this) {
            state.read();
        }
        state.respond();
    }
}
