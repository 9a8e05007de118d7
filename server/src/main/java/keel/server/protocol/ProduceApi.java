package keel.server.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.replication.Partition;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Produce: appends each partition's records straight from the request frame (the records are a slice of it; the
 * frame lives until the request completes, after the append returns), then answers by acks: 0 never (a failed
 * append closes the connection, as Kafka does), 1 at once, all when the high watermark passes every batch — through
 * the produce purgatory, even on one node, so that followers plug in without a redesign. Thread-safe.
 */
final class ProduceApi {
    /** Produce v13 and later name topics by id only. */
    private static final short FIRST_TOPIC_ID_VERSION = 13;

    private final BrokerServices services;

    ProduceApi(final BrokerServices services) {
        this.services = services;
    }

    /**
     * Whether appending the request may fsync: some partition it writes has {@code flush.messages} set, so
     * the append flushes inline once enough records are unflushed. Such a request must not run on a network thread.
     * Allocates only the iterator, which escape analysis removes.
     *
     * @param context the request.
     * @param body    its body.
     * @return true when some named topic flushes by message count.
     */
    boolean mayFsync(final RequestContext context, final ApiMessage body) {
        final boolean byId = context.version() >= FIRST_TOPIC_ID_VERSION;
        for (final ProduceRequestData.TopicProduceData topicData : ((ProduceRequestData) body).topicData()) {
            final TopicManager.Topic topic = byId ? services.topics().topic(Ids.fromKafka(topicData.topicId()))
                : services.topics().topic(topicData.name());
            if (topic != null && topic.logConfig().flushMessages() != Long.MAX_VALUE) {
                return true;
            }
        }
        return false;
    }

    void handle(final RequestContext context, final ApiMessage body) {
        final ProduceRequestData request = (ProduceRequestData) body;
        final short acks = request.acks();
        final boolean byId = context.version() >= FIRST_TOPIC_ID_VERSION;
        final ProduceResponseData response = new ProduceResponseData();
        final List<DelayedProduce.Pending> pending = acks == -1 ? new ArrayList<>() : null;
        boolean failed = false;
        for (final ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            final TopicManager.Topic topic = byId ? services.topics().topic(Ids.fromKafka(topicData.topicId()))
                : services.topics().topic(topicData.name());
            final TopicProduceResponse topicResponse = new TopicProduceResponse();
            if (byId) {
                topicResponse.setTopicId(topicData.topicId());
            } else {
                topicResponse.setName(topicData.name());
            }
            for (final ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                final PartitionProduceResponse partitionResponse = new PartitionProduceResponse()
                    .setIndex(partitionData.index());
                topicResponse.partitionResponses().add(partitionResponse);
                final Partition partition = topic == null ? null : topic.partition(partitionData.index());
                if (partition == null) {
                    failed = true;
                    partitionResponse.setErrorCode(MissingPartition.errorCode(topic, partitionData.index(), byId));
                    continue;
                }
                final BaseRecords records = partitionData.records();
                if (!(records instanceof MemoryRecords)) {
                    failed = true;
                    partitionResponse.setErrorCode(Errors.CORRUPT_MESSAGE.code())
                        .setErrorMessage("Produce request without record batches");
                    continue;
                }
                // zero copy: a slice of the request frame, modified in place (base offset, leader epoch)
                final ByteBuffer batches = ((MemoryRecords) records).buffer();
                final AppendResult result = new AppendResult();
                // read before the append: a parked acks=all produce fails if the leadership changed since
                final int leaderEpoch = partition.leaderEpoch();
                final int code = partition.tryAppendAsLeader(batches, acks, topic.minInSyncReplicas(), result);
                if (code != ErrorCode.NONE) {
                    failed = true;
                    partitionResponse.setErrorCode((short) code).setErrorMessage(code == Partition.NOT_ENOUGH_REPLICAS
                        ? "In-sync replicas " + partition.inSyncReplicaCount() + " below min.insync.replicas "
                        + topic.minInSyncReplicas() + " for " + partition.topic() + "-" + partition.partition()
                        : result.errorMessage());
                    continue;
                }
                partitionResponse.setBaseOffset(result.firstOffset()).setLogAppendTimeMs(result.logAppendTimeMs())
                    .setLogStartOffset(result.logStartOffset());
                if (pending != null) {
                    pending.add(new DelayedProduce.Pending(partition, result.lastOffset() + 1, leaderEpoch,
                        topic.minInSyncReplicas(), partitionResponse));
                }
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            if (failed) {
                // the only way to tell an acks=0 producer: it sees the disconnect and refreshes its metadata
                context.request().closeConnection();
            } else {
                context.request().noResponse();
            }
            return;
        }
        if (pending == null || pending.isEmpty()) {
            context.respond(response);
            return;
        }
        final DelayedProduce delayed = new DelayedProduce(request.timeoutMs(), context, response, pending);
        final List<Object> keys = new ArrayList<>(pending.size());
        for (final DelayedProduce.Pending p : pending) {
            keys.add(p.partition());
        }
        services.producePurgatory().tryCompleteElseWatch(delayed, keys);
    }
}
