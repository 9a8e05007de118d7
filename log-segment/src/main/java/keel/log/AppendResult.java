package keel.log;

/**
 * Outcome of one append, filled by the log into a caller-owned instance so that the append path allocates
 * nothing. Confined to one thread: reuse it for the next append once read.
 */
public final class AppendResult {
    private long firstOffset = -1;
    private long lastOffset = -1;
    private long maxTimestampMs = RecordBatchFormat.NO_TIMESTAMP;
    private long offsetOfMaxTimestamp = -1;
    private long logAppendTimeMs = RecordBatchFormat.NO_TIMESTAMP;
    private long logStartOffset = -1;
    private int recordCount;
    private int errorCode;
    private String errorMessage;
    private boolean duplicate;
    private long recordCountDelta;

    /**
     * @return the offset of the first record appended (for a duplicate: of the original batch).
     */
    public long firstOffset() {
        return firstOffset;
    }

    /**
     * @return the offset of the last record appended (for a duplicate: of the original batch).
     */
    public long lastOffset() {
        return lastOffset;
    }

    /**
     * @return the largest batch max timestamp of the append.
     */
    public long maxTimestampMs() {
        return maxTimestampMs;
    }

    /**
     * @return the last offset of the batch that holds {@link #maxTimestampMs()}.
     */
    public long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    /**
     * @return the time the log stamped on the batches for a LogAppendTime log, else -1.
     */
    public long logAppendTimeMs() {
        return logAppendTimeMs;
    }

    /**
     * @return the log start offset after the append.
     */
    public long logStartOffset() {
        return logStartOffset;
    }

    /**
     * @return the number of records appended, from the batch headers.
     */
    public int recordCount() {
        return recordCount;
    }

    /**
     * @return {@link ErrorCode#NONE} or why the append was refused.
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * @return a message a user can act on when {@link #errorCode()} is not NONE, else null.
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * @return true when an idempotent producer's batch was already in the log and was not appended again.
     */
    public boolean isDuplicate() {
        return duplicate;
    }

    void reset() {
        firstOffset = -1;
        lastOffset = -1;
        maxTimestampMs = RecordBatchFormat.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        logAppendTimeMs = RecordBatchFormat.NO_TIMESTAMP;
        logStartOffset = -1;
        recordCount = 0;
        errorCode = ErrorCode.NONE;
        errorMessage = null;
        duplicate = false;
        recordCountDelta = 0;
    }

    int fail(final int code, final String message) {
        errorCode = code;
        errorMessage = message;
        return code;
    }

    void success(final long first, final long last, final long maxTimestamp, final long offsetOfMax,
                 final long appendTime, final long startOffset, final int records) {
        firstOffset = first;
        lastOffset = last;
        maxTimestampMs = maxTimestamp;
        offsetOfMaxTimestamp = offsetOfMax;
        logAppendTimeMs = appendTime;
        logStartOffset = startOffset;
        recordCount = records;
        errorCode = ErrorCode.NONE;
        errorMessage = null;
    }

    long recordCountDelta() {
        return recordCountDelta;
    }

    void recordCountDelta(final long count) {
        recordCountDelta = count;
    }

    void markDuplicate() {
        duplicate = true;
    }

    @Override
    public String toString() {
        return "AppendResult{firstOffset=" + firstOffset + ", lastOffset=" + lastOffset + ", maxTimestampMs="
            + maxTimestampMs + ", logAppendTimeMs=" + logAppendTimeMs + ", logStartOffset=" + logStartOffset
            + ", recordCount=" + recordCount + ", errorCode=" + ErrorCode.name(errorCode)
            + (errorMessage == null ? "" : ", errorMessage=" + errorMessage) + (duplicate ? ", duplicate" : "") + '}';
    }
}
