package keel.server.group;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.LogConfig;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An {@link OffsetsLog} over a local {@link Log} (a single node, no replication): an append is durable, by Keel's
 * default durability, when it is in the log (the page cache), and completes before {@link #append} returns.
 * Thread-safe (the log serialises appends).
 */
public final class LocalOffsetsLog implements OffsetsLog {
    private final Log log;

    /**
     * @param log an open log of a {@code __consumer_offsets} partition; closed by its owner, not by this class.
     */
    public LocalOffsetsLog(final Log log) {
        this.log = log;
    }

    /**
     * The configuration of a {@code __consumer_offsets} partition's log. Time and size retention are off: Keel has
     * no log compaction, and deleting an old segment could drop a live offset or group record. The coordinator
     * bounds the log itself, with tombstones and snapshots (docs/groups.md). Segments are
     * offsets.topic.segment.bytes and their indexes 1/64 of that (at least 4 KiB): both are preallocated with real
     * blocks, once per partition, and an offsets segment needs far less index than a data segment.
     *
     * @param base   the broker's default log configuration.
     * @param config the group configuration (offsets.topic.segment.bytes).
     * @return the configuration to open the partition's log with.
     */
    public static LogConfig logConfig(final LogConfig base, final GroupConfig config) {
        return base.with(LogConfig.RETENTION_MS_CONFIG, -1)
            .with(LogConfig.RETENTION_BYTES_CONFIG, -1)
            .with(LogConfig.SEGMENT_BYTES_CONFIG, config.offsetsTopicSegmentBytes())
            .with(LogConfig.SEGMENT_INDEX_BYTES_CONFIG, Math.max(4096, config.offsetsTopicSegmentBytes() / 64));
    }

    @Override
    public int partition() {
        return log.partition();
    }

    @Override
    public void append(final ByteBuffer batch, final AppendCompletion completion) {
        // one result per call: appends of different groups run concurrently, and results are not shared
        final AppendResult result = new AppendResult();
        final int code = log.tryAppendAsLeader(batch, 0, result);
        completion.onAppended(code, code == ErrorCode.NONE ? null : result.errorMessage());
    }

    @Override
    public int maxBatchBytes() {
        return log.config().maxMessageBytes();
    }

    @Override
    public long sizeInBytes() {
        return log.sizeInBytes();
    }

    @Override
    public long logStartOffset() {
        return log.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return log.logEndOffset();
    }

    @Override
    public ByteBuffer readBatches(final long offset, final int maxBytes) throws IOException {
        return log.readBatches(offset, maxBytes);
    }

    @Override
    public void roll() throws IOException {
        log.roll();
    }

    @Override
    public void deleteRecordsBefore(final long offset) throws IOException {
        log.deleteRecordsBefore(offset);
    }
}
