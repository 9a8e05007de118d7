package keel.server.group;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The log of one partition of {@code __consumer_offsets}, as the coordinator uses it: the seam through which group
 * and offset records are made durable. {@link LocalOffsetsLog} appends to a local {@code keel.log.Log}; the
 * replicated broker will implement it over the replicated partition, completing appends when the high watermark
 * passes them (acks=all). Implementations are thread-safe.
 */
public interface OffsetsLog {
    /**
     * @return the partition of {@code __consumer_offsets}.
     */
    int partition();

    /**
     * Appends one record batch (built by the coordinator) and reports when it is durable.
     *
     * @param batch      one v2 record batch, position 0; the log may write its base offset and epoch in place.
     * @param completion called exactly once, from any thread (possibly before this returns), with the append's Kafka
     *                   error code (0 when durable) and a message.
     */
    void append(ByteBuffer batch, AppendCompletion completion);

    /**
     * @return the largest batch the log accepts ({@code max.message.bytes}).
     */
    int maxBatchBytes();

    /**
     * @return the log's size in bytes.
     */
    long sizeInBytes();

    /**
     * @return the first offset of the log.
     */
    long logStartOffset();

    /**
     * @return the offset the next append gets.
     */
    long logEndOffset();

    /**
     * Reads whole batches for a replay (the first even when larger than {@code maxBytes}).
     *
     * @param offset   the first offset wanted.
     * @param maxBytes the byte limit.
     * @return a copy of the batches, position 0; empty at the end.
     * @throws IOException when the log cannot be read.
     */
    ByteBuffer readBatches(long offset, int maxBytes) throws IOException;

    /**
     * Starts a new segment at the log end, so that what is appended next can outlive the segments before it.
     *
     * @throws IOException when the segment cannot be created.
     */
    void roll() throws IOException;

    /**
     * Advances the log start offset and drops the segments wholly below it.
     *
     * @param offset the new log start offset.
     * @throws IOException when a segment cannot be deleted.
     */
    void deleteRecordsBefore(long offset) throws IOException;

    /**
     * The outcome of an append.
     */
    @FunctionalInterface
    interface AppendCompletion {
        /**
         * @param errorCode the Kafka error code of the append, 0 when it is durable.
         * @param message   a message for a failure, null on success.
         */
        void onAppended(int errorCode, String message);
    }
}
