package keel.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import keel.log.testing.Await;
import keel.server.TestBroker;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every API Keel advertises, at every version it advertises, answered without error: the test behind the ranges
 * in {@link SupportedApis}. Each request is built with kafka-clients' generated classes at that version.
 */
@Timeout(120)
class SupportedApisTest {
    private static final String TOPIC = "sweep";

    @TempDir
    static Path dataDir;

    private static TestBroker broker;
    private static Uuid topicId;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, Map.of("group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "3", "offsets.topic.segment.bytes", Integer.toString(1 << 20))).start();
        topicId = Ids.toKafka(broker.server().topics().createTopic(TOPIC, 1, 1, Map.of(), false).id());
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            // creates __consumer_offsets; the group APIs below need its partitions loaded
            client.send(ApiKeys.FIND_COORDINATOR, (short) 3, new FindCoordinatorRequestData().setKey("sweep"));
        }
        Await.await(() -> broker.server().offsetsLoaded(), 30_000, () -> "__consumer_offsets not loaded");
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    static List<Arguments> versions() {
        final List<Arguments> all = new ArrayList<>();
        final ApiKeys[] apis = {ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA,
            ApiKeys.API_VERSIONS, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_RECORDS,
            ApiKeys.INIT_PRODUCER_ID, ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.DESCRIBE_CONFIGS,
            ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.CREATE_PARTITIONS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
            ApiKeys.DESCRIBE_CLUSTER, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
            ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.OFFSET_DELETE,
            ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_GROUPS};
        for (final ApiKeys api : apis) {
            for (short v = api.oldestVersion(); v <= api.latestVersion(); v++) {
                all.add(Arguments.of(api, v));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versions")
    void shouldAnswerWithoutErrorWhenRequestUsesAdvertisedVersion(final ApiKeys api, final short version)
        throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final String scratch = "sweep-" + api.name().toLowerCase().replace('_', '-') + "-" + version;
            if (api == ApiKeys.DELETE_TOPICS || api == ApiKeys.CREATE_PARTITIONS) {
                broker.server().topics().createTopic(scratch, 1, 1, Map.of(), false);
            }

            final ApiMessage body = isGroupApi(api) ? groupRequest(client, api, version, scratch)
                : request(api, version, scratch);
            final AbstractResponse response = client.send(api, version, body);

            assertEquals(Map.of(), withoutNone(response.errorCounts()), api + " v" + version + ": " + response);
        }
    }

    private static Map<Errors, Integer> withoutNone(final Map<Errors, Integer> counts) {
        final Map<Errors, Integer> errors = new java.util.HashMap<>(counts);
        errors.remove(Errors.NONE);
        return errors;
    }

    private static ApiMessage request(final ApiKeys api, final short v, final String scratch) {
        switch (api) {
            case PRODUCE: {
                final ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
                final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
                if (v >= 13) {
                    topic.setTopicId(topicId);
                } else {
                    topic.setName(TOPIC);
                }
                topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1000L,
                        ("v" + v).getBytes(StandardCharsets.UTF_8)))));
                data.topicData().add(topic);
                return data;
            }
            case FETCH: {
                final FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1)
                    .setMaxBytes(1 << 20).setSessionEpoch(-1);
                if (v < 15) {
                    data.setReplicaId(-1);
                }
                final FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic();
                if (v >= 13) {
                    topic.setTopicId(topicId);
                } else {
                    topic.setTopic(TOPIC);
                }
                topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                    .setPartitionMaxBytes(1 << 20));
                data.topics().add(topic);
                return data;
            }
            case LIST_OFFSETS: {
                final ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1);
                final ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName(TOPIC);
                topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                    .setTimestamp(-1));
                data.topics().add(topic);
                return data;
            }
            case METADATA: {
                final MetadataRequestData data = new MetadataRequestData();
                data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC));
                if (v >= 4) {
                    data.setAllowAutoTopicCreation(false);
                }
                return data;
            }
            case API_VERSIONS:
                return v >= 3 ? new ApiVersionsRequestData().setClientSoftwareName("sweep")
                    .setClientSoftwareVersion("1") : new ApiVersionsRequestData();
            case CREATE_TOPICS: {
                final CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
                data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(scratch).setNumPartitions(1)
                    .setReplicationFactor((short) 1));
                return data;
            }
            case DELETE_TOPICS: {
                final DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
                if (v >= 6) {
                    data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(scratch));
                } else {
                    data.topicNames().add(scratch);
                }
                return data;
            }
            case DELETE_RECORDS: {
                final DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(10_000);
                final DeleteRecordsRequestData.DeleteRecordsTopic topic = new DeleteRecordsRequestData
                    .DeleteRecordsTopic().setName(TOPIC);
                topic.partitions().add(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0)
                    .setOffset(0));
                data.topics().add(topic);
                return data;
            }
            case INIT_PRODUCER_ID:
                return new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000);
            case OFFSET_FOR_LEADER_EPOCH: {
                final OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData();
                if (v >= 3) {
                    data.setReplicaId(-1);
                }
                final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
                topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                    .setLeaderEpoch(0).setCurrentLeaderEpoch(-1));
                data.topics().add(topic);
                return data;
            }
            case DESCRIBE_CONFIGS: {
                final DescribeConfigsRequestData data = new DescribeConfigsRequestData();
                data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                    .setResourceType((byte) 2).setResourceName(TOPIC).setConfigurationKeys(null));
                return data;
            }
            case DESCRIBE_LOG_DIRS:
                return new DescribeLogDirsRequestData().setTopics(null);
            case CREATE_PARTITIONS: {
                final CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000);
                data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(scratch)
                    .setCount(2).setAssignments(null));
                return data;
            }
            case INCREMENTAL_ALTER_CONFIGS: {
                final IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
                final IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                    new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                        .setResourceName(TOPIC);
                resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                    .setName("retention.ms").setConfigOperation((byte) 0).setValue("86400000"));
                data.resources().add(resource);
                return data;
            }
            case DESCRIBE_CLUSTER:
                return new DescribeClusterRequestData();
            default:
                throw new IllegalArgumentException("No request for " + api);
        }
    }

    private static boolean isGroupApi(final ApiKeys api) {
        switch (api) {
            case FIND_COORDINATOR: case JOIN_GROUP: case SYNC_GROUP: case HEARTBEAT: case LEAVE_GROUP:
            case OFFSET_COMMIT: case OFFSET_FETCH: case OFFSET_DELETE: case LIST_GROUPS: case DESCRIBE_GROUPS:
            case DELETE_GROUPS:
                return true;
            default:
                return false;
        }
    }

    /**
     * A group API request at version {@code v}, after the setup it needs (a joined member, a committed offset),
     * done with fixed mid-range versions on the same connection; the group is {@code scratch}.
     */
    private static ApiMessage groupRequest(final RawClient client, final ApiKeys api, final short v,
                                           final String group) throws Exception {
        switch (api) {
            case FIND_COORDINATOR:
                if (v >= 4) {
                    return new FindCoordinatorRequestData().setKeyType((byte) 0)
                        .setCoordinatorKeys(List.of(group, group + "-other"));
                }
                return new FindCoordinatorRequestData().setKey(group);
            case JOIN_GROUP: {
                String memberId = "";
                if (v >= 4) {
                    memberId = ((JoinGroupResponse) client.send(api, v, join(group, "", v))).data().memberId();
                }
                return join(group, memberId, v);
            }
            case SYNC_GROUP: {
                final JoinGroupResponseData joined = joinAlone(client, group);
                final SyncGroupRequestData data = new SyncGroupRequestData().setGroupId(group)
                    .setGenerationId(joined.generationId()).setMemberId(joined.memberId());
                data.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                    .setMemberId(joined.memberId()).setAssignment(new byte[] {1}));
                if (v >= 5) {
                    data.setProtocolType("consumer").setProtocolName("range");
                }
                return data;
            }
            case HEARTBEAT: {
                final JoinGroupResponseData joined = joinAlone(client, group);
                return new HeartbeatRequestData().setGroupId(group).setGenerationId(joined.generationId())
                    .setMemberId(joined.memberId());
            }
            case LEAVE_GROUP: {
                final JoinGroupResponseData joined = joinAlone(client, group);
                final LeaveGroupRequestData data = new LeaveGroupRequestData().setGroupId(group);
                if (v >= 3) {
                    data.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId(joined.memberId()));
                } else {
                    data.setMemberId(joined.memberId());
                }
                return data;
            }
            case OFFSET_COMMIT:
                return commit(group, v);
            case OFFSET_FETCH: {
                client.send(ApiKeys.OFFSET_COMMIT, (short) 8, commit(group, (short) 8));
                if (v >= 8) {
                    final OffsetFetchRequestData.OffsetFetchRequestTopics topic =
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setPartitionIndexes(List.of(0));
                    if (v >= 10) {
                        topic.setTopicId(topicId);
                    } else {
                        topic.setName(TOPIC);
                    }
                    final OffsetFetchRequestData data = new OffsetFetchRequestData();
                    data.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
                        .setTopics(List.of(topic)));
                    return data;
                }
                final OffsetFetchRequestData data = new OffsetFetchRequestData().setGroupId(group);
                data.topics().add(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC)
                    .setPartitionIndexes(List.of(0)));
                return data;
            }
            case OFFSET_DELETE: {
                client.send(ApiKeys.OFFSET_COMMIT, (short) 8, commit(group, (short) 8));
                final OffsetDeleteRequestData data = new OffsetDeleteRequestData().setGroupId(group);
                final OffsetDeleteRequestData.OffsetDeleteRequestTopic topic =
                    new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(TOPIC);
                topic.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
                data.topics().add(topic);
                return data;
            }
            case LIST_GROUPS:
                return new ListGroupsRequestData();
            case DESCRIBE_GROUPS: {
                joinAlone(client, group);
                return new DescribeGroupsRequestData().setGroups(List.of(group));
            }
            case DELETE_GROUPS: {
                client.send(ApiKeys.OFFSET_COMMIT, (short) 8, commit(group, (short) 8));
                return new DeleteGroupsRequestData().setGroupsNames(List.of(group));
            }
            default:
                throw new IllegalArgumentException("No request for " + api);
        }
    }

    private static JoinGroupRequestData join(final String group, final String memberId, final short v) {
        final JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
            .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setProtocolType("consumer");
        data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
            .setMetadata(new byte[] {0, 1}));
        return data;
    }

    /** JoinGroup v5 twice (member id required, then the join): the member alone in generation 1, as leader. */
    private static JoinGroupResponseData joinAlone(final RawClient client, final String group) throws Exception {
        final short v = 5;
        final String memberId = ((JoinGroupResponse) client.send(ApiKeys.JOIN_GROUP, v, join(group, "", v))).data()
            .memberId();
        final JoinGroupResponseData joined = ((JoinGroupResponse) client.send(ApiKeys.JOIN_GROUP, v,
            join(group, memberId, v))).data();
        assertEquals(Errors.NONE.code(), joined.errorCode(), () -> "join of " + group + ": " + joined);
        return joined;
    }

    /** A standalone commit (generation -1, no member) of offset 1 of the sweep topic's partition 0. */
    private static OffsetCommitRequestData commit(final String group, final short v) {
        final OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group)
            .setGenerationIdOrMemberEpoch(-1).setMemberId("");
        final OffsetCommitRequestData.OffsetCommitRequestTopic topic = new OffsetCommitRequestData
            .OffsetCommitRequestTopic();
        if (v >= 10) {
            topic.setTopicId(topicId);
        } else {
            topic.setName(TOPIC);
        }
        topic.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
            .setCommittedOffset(1).setCommittedMetadata("m"));
        data.topics().add(topic);
        return data;
    }
}
