package keel.server.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import keel.log.ErrorCode;
import keel.log.ReadResult;
import keel.replication.Partition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The partitions of one fetch request, their read positions and limits, and the response being built. Reading
 * fills each partition's records with a {@link FileRegionRecords} holding a segment reservation; the response
 * releases them once written. Confined to one thread at a time (the request thread, then the completing one).
 */
final class FetchState {
    private final RequestContext context;
    private final FetchRequestData request;
    private final ColdReadPolicy coldReads;
    private final Executor ioExecutor;
    private final FetchResponseData response = new FetchResponseData().setSessionId(0);
    private final List<Entry> entries = new ArrayList<>();
    private final List<ReadResult> reads = new ArrayList<>();
    private final boolean follower;
    private boolean error;

    /** One requested partition. */
    private static final class Entry {
        private final Partition partition;
        private final long fetchOffset;
        private final int maxBytes;
        private final PartitionData response;

        Entry(final Partition partition, final long fetchOffset, final int maxBytes, final PartitionData response) {
            this.partition = partition;
            this.fetchOffset = fetchOffset;
            this.maxBytes = maxBytes;
            this.response = response;
        }
    }

    /**
     * @param context    the request.
     * @param request    its body.
     * @param follower   true for a follower's fetch: reads up to the log end instead of the high watermark.
     * @param coldReads  decides which regions may be cold.
     * @param ioExecutor where a response with cold regions is pre-faulted before it is queued.
     */
    FetchState(final RequestContext context, final FetchRequestData request, final boolean follower,
               final ColdReadPolicy coldReads, final Executor ioExecutor) {
        this.context = context;
        this.request = request;
        this.follower = follower;
        this.coldReads = coldReads;
        this.ioExecutor = ioExecutor;
    }

    FetchableTopicResponse addTopic(final FetchRequestData.FetchTopic topic, final boolean byId) {
        final FetchableTopicResponse topicResponse = new FetchableTopicResponse();
        if (byId) {
            topicResponse.setTopicId(topic.topicId());
        } else {
            topicResponse.setTopic(topic.topic());
        }
        response.responses().add(topicResponse);
        return topicResponse;
    }

    void addPartition(final FetchableTopicResponse topic, final FetchRequestData.FetchPartition partitionRequest,
                      final Partition partition, final short errorCode) {
        final PartitionData partitionResponse = new PartitionData().setPartitionIndex(partitionRequest.partition())
            .setErrorCode(errorCode).setRecords(MemoryRecords.EMPTY);
        topic.partitions().add(partitionResponse);
        if (errorCode != 0) {
            error = true;
            if (partition != null && errorCode == Errors.OFFSET_OUT_OF_RANGE.code()) {
                // a follower outside the leader's log needs the log start to start over from it
                final long highWatermark = partition.highWatermark();
                partitionResponse.setHighWatermark(highWatermark).setLastStableOffset(highWatermark)
                    .setLogStartOffset(partition.log().logStartOffset());
            } else {
                partitionResponse.setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
            }
            return;
        }
        entries.add(new Entry(partition, partitionRequest.fetchOffset(), partitionRequest.partitionMaxBytes(),
            partitionResponse));
    }

    boolean hasError() {
        return error;
    }

    /**
     * Reads every partition within the limits.
     *
     * @return the bytes read.
     */
    int read() {
        release();
        int remaining = context.version() >= 3 ? request.maxBytes() : Integer.MAX_VALUE;
        boolean minOneBatch = true;
        int total = 0;
        for (int i = 0; i < entries.size(); i++) {
            final Entry entry = entries.get(i);
            final ReadResult read = new ReadResult();
            final int code = read(entry, Math.max(0, Math.min(entry.maxBytes, remaining)), minOneBatch, read);
            final long highWatermark = entry.partition.highWatermark();
            entry.response.setHighWatermark(highWatermark).setLastStableOffset(highWatermark)
                .setLogStartOffset(entry.partition.log().logStartOffset());
            if (code != ErrorCode.NONE) {
                error = true;
                read.release();
                entry.response.setErrorCode((short) code).setRecords(MemoryRecords.EMPTY);
            } else if (read.sizeInBytes() > 0) {
                reads.add(read);
                entry.response.setErrorCode((short) 0).setRecords(new FileRegionRecords(read));
                remaining -= read.sizeInBytes();
                total += read.sizeInBytes();
                minOneBatch = false;
            } else {
                read.release();
                entry.response.setErrorCode((short) 0).setRecords(MemoryRecords.EMPTY);
            }
        }
        return total;
    }

    /**
     * @param scratch a result to read into (released again).
     * @return true when the request can be answered now: min.bytes available, or a partition gone or out of range.
     */
    boolean canComplete(final ReadResult scratch) {
        long available = 0;
        for (int i = 0; i < entries.size(); i++) {
            final Entry entry = entries.get(i);
            if (entry.partition.log().isClosed()) {
                return true;
            }
            final long readableEnd = follower ? entry.partition.log().logEndOffset() : entry.partition.highWatermark();
            if (readableEnd <= entry.fetchOffset) {
                continue;
            }
            final int code = read(entry, entry.maxBytes, true, scratch);
            available += scratch.sizeInBytes();
            scratch.release();
            if (code != ErrorCode.NONE || available >= request.minBytes()) {
                return true;
            }
        }
        return false;
    }

    private int read(final Entry entry, final int maxBytes, final boolean minOneBatch, final ReadResult result) {
        if (!follower) {
            return entry.partition.readCommitted(entry.fetchOffset, maxBytes, minOneBatch, result);
        }
        if (minOneBatch) {
            return entry.partition.readForFollower(entry.fetchOffset, maxBytes, result);
        }
        // a later partition of the request: within the bytes left only (readForFollower always takes a batch)
        return entry.partition.log().read(entry.fetchOffset, maxBytes, Long.MAX_VALUE, false, result);
    }

    void respond() {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).partition.log().isClosed()) {
                entries.get(i).response.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER
                    .code()).setRecords(MemoryRecords.EMPTY);
            }
        }
        context.respondFetch(response, new ArrayList<>(reads), coldReads, ioExecutor);
        reads.clear();
    }

    /**
     * Completes the request without an answer (its connection is gone), freeing its frame.
     */
    void abandon() {
        release();
        context.request().noResponse();
    }

    void release() {
        for (int i = 0; i < reads.size(); i++) {
            reads.get(i).release();
        }
        reads.clear();
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).response.setRecords(MemoryRecords.EMPTY);
        }
    }
}
