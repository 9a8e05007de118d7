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

    DelayedFetch(final long maxWaitMs, final FetchState state) {
        super(maxWaitMs);
        this.state = state;
    }

    @Override
    protected synchronized boolean tryComplete() {
        return state.canComplete(scratch);
    }

    @Override
    protected void onComplete(final boolean expired) {
        synchronized (this) {
            state.read();
        }
        state.respond();
    }
}
