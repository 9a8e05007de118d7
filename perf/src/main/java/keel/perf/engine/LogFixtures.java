package keel.perf.engine;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.Log;

import java.nio.ByteBuffer;

/**
 * Fills logs for the read and recovery benchmarks. Thread-safe: no state.
 */
final class LogFixtures {
    private LogFixtures() {
    }

    /**
     * Appends copies of {@code batch} until the log holds at least {@code totalBytes}.
     *
     * @return the number of batches appended.
     */
    static int fill(final Log log, final ByteBuffer batch, final long totalBytes) {
        final AppendResult result = new AppendResult();
        int batches = 0;
        long written = 0;
        while (written < totalBytes) {
            final int code = log.tryAppendAsLeader(batch, 0, result);
            if (code != ErrorCode.NONE) {
                throw new IllegalStateException("fixture append failed: code=" + ErrorCode.name(code) + " message="
                    + result.errorMessage());
            }
            written += batch.remaining();
            batches++;
        }
        return batches;
    }
}
