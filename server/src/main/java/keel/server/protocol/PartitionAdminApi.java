package keel.server.protocol;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.OffsetAndTimestamp;
import keel.replication.EpochEndOffset;
import keel.replication.Partition;
import keel.replication.ReplicationError;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-partition offset APIs and the rest of the admin surface: ListOffsets, InitProducerId, OffsetForLeaderEpoch,
 * DeleteRecords and DescribeLogDirs. Runs on the blocking executor. Thread-safe.
 */
final class PartitionAdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionAdminApi.class);

    /** ListOffsets: earliest offset in local storage (KIP-405); without tiered storage, the log start. */
    private static final long EARLIEST_LOCAL_TIMESTAMP = -4L;
    /** ListOffsets: latest tiered offset (KIP-1005); Keel has no tiered storage. */
    private static final long LATEST_TIERED_TIMESTAMP = -5L;

    /** ListOffsets v4 and later carry the leader epoch of the offset. */
    private static final short FIRST_LEADER_EPOCH_VERSION = 4;

    private final BrokerServices services;

    PartitionAdminApi(final BrokerServices services) {
        this.services = services;
    }

    private Partition partition(final String topicName, final int index) {
        final TopicManager.Topic topic = services.topics().topic(topicName);
        return topic == null ? null : topic.partition(index);
    }

    private short missing(final String topicName, final int index) {
        return MissingPartition.errorCode(services.topics().topic(topicName), index, false);
    }

    void listOffsets(final RequestContext context, final ApiMessage body) {
        final ListOffsetsRequestData request = (ListOffsetsRequestData) body;
        final ListOffsetsResponseData response = new ListOffsetsResponseData();
        final OffsetAndTimestamp found = new OffsetAndTimestamp();
        for (final ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            final ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (final ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                final ListOffsetsResponseData.ListOffsetsPartitionResponse result =
                    new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(result);
                final Partition partition = partition(topic.name(), p.partitionIndex());
                if (partition == null) {
                    result.setErrorCode(missing(topic.name(), p.partitionIndex()));
                    continue;
                }
                final int fencing = partition.checkLeaderEpoch(p.currentLeaderEpoch());
                if (fencing != ReplicationError.NONE || !partition.isLeader()) {
                    result.setErrorCode(fencing != ReplicationError.NONE ? (short) fencing
                        : Errors.NOT_LEADER_OR_FOLLOWER.code());
                    continue;
                }
                listOffset(partition, p.timestamp(), found, result);
                if (context.version() < FIRST_LEADER_EPOCH_VERSION) {
                    result.setLeaderEpoch(-1);
                }
            }
        }
        context.respond(response);
    }

    private static void listOffset(final Partition partition, final long timestamp, final OffsetAndTimestamp found,
                                   final ListOffsetsResponseData.ListOffsetsPartitionResponse result) {
        final long highWatermark = partition.highWatermark();
        if (timestamp == Log.LATEST_TIMESTAMP) {
            // consumers see up to the high watermark; with no transactions it is also the last stable offset
            result.setOffset(highWatermark).setTimestamp(-1).setLeaderEpoch(partition.leaderEpoch());
            return;
        }
        if (timestamp == LATEST_TIERED_TIMESTAMP) {
            result.setOffset(-1).setTimestamp(-1).setLeaderEpoch(-1);
            return;
        }
        final long query = timestamp == EARLIEST_LOCAL_TIMESTAMP ? Log.EARLIEST_TIMESTAMP : timestamp;
        final int code = partition.log().offsetForTimestamp(query, found);
        if (code != ErrorCode.NONE) {
            result.setErrorCode((short) code);
            return;
        }
        if (found.offset() < 0 || found.offset() > highWatermark
            || found.offset() == highWatermark && query != Log.EARLIEST_TIMESTAMP) {
            result.setOffset(-1).setTimestamp(-1).setLeaderEpoch(-1);
            return;
        }
        result.setOffset(found.offset()).setTimestamp(query == Log.EARLIEST_TIMESTAMP ? -1 : found.timestampMs())
            .setLeaderEpoch(partition.leaderEpoch());
    }

    void initProducerId(final RequestContext context, final ApiMessage body) {
        final InitProducerIdRequestData request = (InitProducerIdRequestData) body;
        final InitProducerIdResponseData response = new InitProducerIdResponseData();
        if (request.transactionalId() != null) {
            context.respond(response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                .setProducerId(-1).setProducerEpoch((short) -1));
            return;
        }
        try {
            if (request.producerId() >= 0 && request.producerEpoch() >= 0
                && request.producerEpoch() < Short.MAX_VALUE - 1) {
                // KIP-360: an idempotent producer bumps its epoch to reset its sequences
                response.setProducerId(request.producerId()).setProducerEpoch((short) (request.producerEpoch() + 1));
            } else {
                response.setProducerId(services.producerIds().nextProducerId()).setProducerEpoch((short) 0);
            }
        } catch (final IOException ex) {
            LOG.error("Cannot persist the producer id block in {}", services.topics().dataDir(), ex);
            response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setProducerId(-1)
                .setProducerEpoch((short) -1);
        }
        context.respond(response);
    }

    void offsetForLeaderEpoch(final RequestContext context, final ApiMessage body) {
        final OffsetForLeaderEpochRequestData request = (OffsetForLeaderEpochRequestData) body;
        final OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.topics()) {
            final OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topicResult =
                new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            for (final OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                final OffsetForLeaderEpochResponseData.EpochEndOffset result =
                    new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(p.partition());
                topicResult.partitions().add(result);
                final Partition partition = partition(topic.topic(), p.partition());
                if (partition == null) {
                    result.setErrorCode(missing(topic.topic(), p.partition()));
                } else {
                    // KIP-101/279 from the leader-epoch cache: fencing, then the largest epoch at or below the
                    // requested one and its end (the log end for the current epoch), or -1/-1 when unknown
                    final EpochEndOffset end = partition.endOffsetForEpoch(p.currentLeaderEpoch(), p.leaderEpoch());
                    result.setErrorCode((short) end.errorCode());
                    if (end.errorCode() == Errors.NONE.code()) {
                        result.setLeaderEpoch(end.leaderEpoch()).setEndOffset(end.endOffset());
                    }
                }
            }
        }
        context.respond(response);
    }

    void deleteRecords(final RequestContext context, final ApiMessage body) {
        final DeleteRecordsRequestData request = (DeleteRecordsRequestData) body;
        final DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (final DeleteRecordsRequestData.DeleteRecordsTopic topic : request.topics()) {
            final DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult =
                new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            for (final DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                final DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                    new DeleteRecordsResponseData.DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(-1);
                topicResult.partitions().add(result);
                final Partition partition = partition(topic.name(), p.partitionIndex());
                if (partition == null || !partition.isLeader()) {
                    result.setErrorCode(partition == null ? missing(topic.name(), p.partitionIndex())
                        : Errors.NOT_LEADER_OR_FOLLOWER.code());
                    continue;
                }
                final long highWatermark = partition.highWatermark();
                final long offset = p.offset() == -1 ? highWatermark : p.offset();
                if (offset < 0 || offset > highWatermark) {
                    result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                    continue;
                }
                try {
                    final int code = partition.log().deleteRecordsBefore(offset);
                    partition.onLogStartChanged();
                    result.setErrorCode((short) code).setLowWatermark(partition.log().logStartOffset());
                } catch (final IOException ex) {
                    LOG.error("DeleteRecords before {} of {} failed", offset, partition, ex);
                    result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                }
            }
        }
        context.respond(response);
    }

    void describeLogDirs(final RequestContext context, final ApiMessage body) {
        final DescribeLogDirsRequestData request = (DescribeLogDirsRequestData) body;
        final DescribeLogDirsResponseData.DescribeLogDirsResult dir = new DescribeLogDirsResponseData
            .DescribeLogDirsResult().setLogDir(services.topics().dataDir().toAbsolutePath().normalize().toString());
        final List<DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new ArrayList<>();
        for (final TopicManager.Topic topic : services.topics().topics()) {
            List<Integer> wanted = null;
            if (request.topics() != null) {
                final DescribeLogDirsRequestData.DescribableLogDirTopic t = request.topics().find(topic.name());
                if (t == null) {
                    continue;
                }
                wanted = t.partitions();
            }
            final DescribeLogDirsResponseData.DescribeLogDirsTopic result =
                new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(topic.name());
            for (int p = 0; p < topic.partitionCount(); p++) {
                if (topic.partition(p) != null && (wanted == null || wanted.contains(p))) {
                    result.partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                        .setPartitionIndex(p).setPartitionSize(topic.partition(p).log().sizeInBytes())
                        .setOffsetLag(0).setIsFutureKey(false));
                }
            }
            topics.add(result);
        }
        dir.setTopics(topics);
        if (context.version() >= 4) {
            try {
                final FileStore store = Files.getFileStore(services.topics().dataDir());
                dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (final IOException ex) {
                dir.setTotalBytes(-1).setUsableBytes(-1);
            }
        }
        final DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        response.results().add(dir);
        context.respond(response);
    }
}
