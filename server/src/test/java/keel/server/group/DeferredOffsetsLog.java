package keel.server.group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link OffsetsLog} that can hold back append completions, as a replicated partition does until the high
 * watermark passes the batch: while deferring, each batch is written to the local log at once but its completion
 * waits for {@link #completeAll()} or {@link #failAll(int)}. Synchronized: thread-safe.
 */
final class DeferredOffsetsLog implements OffsetsLog {
    private final OffsetsLog delegate;
    private final List<Runnable> success = new ArrayList<>();
    private final List<AppendCompletion> held = new ArrayList<>();
    private boolean deferring;

    DeferredOffsetsLog(final OffsetsLog delegate) {
        this.delegate = delegate;
    }

    synchronized void defer(final boolean defer) {
        deferring = defer;
    }

    synchronized int pending() {
        return held.size();
    }

    /** Completes every held append as the log completed it. */
    void completeAll() {
        final List<Runnable> toRun;
        synchronized (this) {
            toRun = new ArrayList<>(success);
            success.clear();
            held.clear();
        }
        for (final Runnable run : toRun) {
            run.run();
        }
    }

    /** Completes every held append with an error (as if replication failed). */
    void failAll(final int code) {
        final List<AppendCompletion> toFail;
        synchronized (this) {
            toFail = new ArrayList<>(held);
            success.clear();
            held.clear();
        }
        for (final AppendCompletion completion : toFail) {
            completion.onAppended(code, "failed by the test");
        }
    }

    @Override
    public int partition() {
        return delegate.partition();
    }

    @Override
    public void append(final ByteBuffer batch, final AppendCompletion completion) {
        synchronized (this) {
            if (deferring) {
                delegate.append(batch, (code, message) -> {
                    success.add(() -> completion.onAppended(code, message));
                    held.add(completion);
                });
                return;
            }
        }
        delegate.append(batch, completion);
    }

    @Override
    public int maxBatchBytes() {
        return delegate.maxBatchBytes();
    }

    @Override
    public long sizeInBytes() {
        return delegate.sizeInBytes();
    }

    @Override
    public long logStartOffset() {
        return delegate.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return delegate.logEndOffset();
    }

    @Override
    public ByteBuffer readBatches(final long offset, final int maxBytes) throws IOException {
        return delegate.readBatches(offset, maxBytes);
    }

    @Override
    public void roll() throws IOException {
        delegate.roll();
    }

    @Override
    public void deleteRecordsBefore(final long offset) throws IOException {
        delegate.deleteRecordsBefore(offset);
    }
}
