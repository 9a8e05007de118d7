package keel.server.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import keel.server.group.GroupCoordinator;
import keel.server.group.GroupDescription;
import keel.server.group.GroupErrors;
import keel.server.metadata.ClusterView;
import keel.server.group.GroupListing;
import keel.server.group.JoinGroupRequest;
import keel.server.group.JoinGroupResult;
import keel.server.group.LeaveGroupResult;
import keel.server.group.MemberIdentity;
import keel.server.group.OffsetAndMetadata;
import keel.server.group.OffsetCommitRequest;
import keel.server.group.OffsetFetchResult;
import keel.server.group.OffsetKey;
import keel.server.group.PartitionErrors;
import keel.server.group.Protocol;
import keel.server.group.SyncGroupRequest;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * The consumer group APIs over the {@link GroupCoordinator}: FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, OffsetCommit, OffsetFetch, OffsetDelete, ListGroups, DescribeGroups and DeleteGroups, in every version
 * kafka-clients 4.4 parses (docs/groups.md, "Protocol glue"). Runs on the blocking executor; JoinGroup, SyncGroup,
 * OffsetCommit, OffsetDelete and DeleteGroups answer from the coordinator's completion (possibly on another thread,
 * much later), so a parked request holds no thread. Thread-safe.
 */
final class GroupsApi {
    /** FindCoordinator key type of groups. */
    private static final byte GROUP_KEY_TYPE = 0;
    /** FindCoordinator key type of transactional ids. */
    private static final byte TRANSACTION_KEY_TYPE = 1;
    /** Kafka's "authorized operations not requested" value. */
    private static final int NO_AUTHORIZED_OPERATIONS = Integer.MIN_VALUE;
    /** The type ListGroups v5 reports for every group Keel has. */
    private static final String CLASSIC_GROUP_TYPE = "classic";

    private final BrokerServices services;
    private final GroupCoordinator coordinator;
    private final OffsetsTopic offsetsTopic;

    GroupsApi(final BrokerServices services) {
        this.services = services;
        this.coordinator = services.groupCoordinator();
        this.offsetsTopic = services.offsetsTopic();
    }

    // ---------------------------------------------------------------------------------------------------------
    // FindCoordinator
    // ---------------------------------------------------------------------------------------------------------

    void findCoordinator(final RequestContext context, final ApiMessage body) {
        final FindCoordinatorRequestData request = (FindCoordinatorRequestData) body;
        final FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (context.version() < 4) {
            final FindCoordinatorResponseData.Coordinator found = coordinatorFor(request.key(), request.keyType());
            response.setErrorCode(found.errorCode()).setNodeId(found.nodeId()).setHost(found.host())
                .setPort(found.port());
            if (context.version() >= 1) {
                response.setErrorMessage(found.errorMessage());
            }
        } else {
            for (final String key : request.coordinatorKeys()) {
                response.coordinators().add(coordinatorFor(key, request.keyType()));
            }
        }
        context.respond(response);
    }

    private FindCoordinatorResponseData.Coordinator coordinatorFor(final String key, final byte keyType) {
        final FindCoordinatorResponseData.Coordinator result = new FindCoordinatorResponseData.Coordinator()
            .setKey(key).setNodeId(-1).setHost("").setPort(-1);
        if (keyType == TRANSACTION_KEY_TYPE) {
            // as InitProducerId with a transactional id: a transactional producer fails at once, not after retries
            return result.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                .setErrorMessage("Keel does not support transactions");
        }
        if (keyType != GROUP_KEY_TYPE) {
            return result.setErrorCode(Errors.INVALID_REQUEST.code())
                .setErrorMessage("Unsupported coordinator key type " + keyType);
        }
        if (!offsetsTopic.exists()) {
            try {
                offsetsTopic.ensureCreated();
            } catch (final IOException ex) {
                return result.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage(Errors.COORDINATOR_NOT_AVAILABLE.message());
            }
        }
        if (services.topics().clusterMode()) {
            // the coordinator is the leader of the group's offsets partition, wherever it is
            final ClusterView.PartitionLeadership leadership = services.cluster().partition(OffsetsTopic.NAME,
                coordinator.partitionFor(key));
            if (leadership != null && leadership.leader() >= 0) {
                for (final ClusterView.Node node : services.cluster().brokers()) {
                    if (node.id() == leadership.leader()) {
                        return result.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setNodeId(node.id())
                            .setHost(node.host()).setPort(node.port());
                    }
                }
            }
            return result.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setErrorMessage(Errors.COORDINATOR_NOT_AVAILABLE.message());
        }
        if (offsetsTopic.status(key) == GroupErrors.COORDINATOR_NOT_AVAILABLE) {
            // the partition failed to load: no node coordinates this group
            return result.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setErrorMessage(Errors.COORDINATOR_NOT_AVAILABLE.message());
        }
        // a partition still loading is found here; its requests answer COORDINATOR_LOAD_IN_PROGRESS meanwhile
        return result.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setNodeId(services.brokerId())
            .setHost(services.advertisedHost()).setPort(services.advertisedPort());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Membership: JoinGroup, SyncGroup, Heartbeat, LeaveGroup
    // ---------------------------------------------------------------------------------------------------------

    void joinGroup(final RequestContext context, final ApiMessage body) {
        final JoinGroupRequestData request = (JoinGroupRequestData) body;
        final short version = context.version();
        final short status = offsetsTopic.status(request.groupId());
        if (status != GroupErrors.NONE) {
            context.respond(joinResponse(JoinGroupResult.error(status, request.memberId()), version));
            return;
        }
        final List<Protocol> protocols = new ArrayList<>(request.protocols().size());
        for (final JoinGroupRequestData.JoinGroupRequestProtocol protocol : request.protocols()) {
            protocols.add(new Protocol(protocol.name(), protocol.metadata()));
        }
        // v0 has no rebalance timeout: Kafka uses the session timeout
        final int rebalanceTimeoutMs = version == 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
        final JoinGroupRequest join = new JoinGroupRequest(request.groupId(), request.memberId(),
            request.groupInstanceId(), clientId(context), clientHost(context), rebalanceTimeoutMs,
            request.sessionTimeoutMs(), request.protocolType(), protocols, version >= 4, version >= 9);
        coordinator.joinGroup(join, result -> context.respond(joinResponse(result, version)));
    }

    private static JoinGroupResponseData joinResponse(final JoinGroupResult result, final short version) {
        final JoinGroupResponseData response = new JoinGroupResponseData().setErrorCode(result.error())
            .setGenerationId(result.generationId()).setMemberId(result.memberId() == null ? "" : result.memberId())
            .setLeader(result.leaderId() == null ? "" : result.leaderId());
        if (version >= 7) {
            response.setProtocolType(result.protocolType()).setProtocolName(result.protocolName());
        } else {
            response.setProtocolName(result.protocolName() == null ? "" : result.protocolName());
        }
        if (version >= 9) {
            response.setSkipAssignment(result.skipAssignment());
        }
        for (final JoinGroupResult.JoinedMember member : result.members()) {
            final JoinGroupResponseData.JoinGroupResponseMember out = new JoinGroupResponseData
                .JoinGroupResponseMember().setMemberId(member.memberId()).setMetadata(member.metadata());
            if (version >= 5) {
                out.setGroupInstanceId(member.groupInstanceId());
            }
            response.members().add(out);
        }
        return response;
    }

    void syncGroup(final RequestContext context, final ApiMessage body) {
        final SyncGroupRequestData request = (SyncGroupRequestData) body;
        final short version = context.version();
        final short status = offsetsTopic.status(request.groupId());
        if (status != GroupErrors.NONE) {
            context.respond(syncResponse(status, null, null, new byte[0], version));
            return;
        }
        final Map<String, byte[]> assignments = new LinkedHashMap<>();
        for (final SyncGroupRequestData.SyncGroupRequestAssignment assignment : request.assignments()) {
            assignments.put(assignment.memberId(), assignment.assignment());
        }
        final SyncGroupRequest sync = new SyncGroupRequest(request.groupId(), request.generationId(),
            request.memberId(), request.groupInstanceId(), version >= 5 ? request.protocolType() : null,
            version >= 5 ? request.protocolName() : null, assignments);
        coordinator.syncGroup(sync, result -> context.respond(syncResponse(result.error(), result.protocolType(),
            result.protocolName(), result.assignment(), version)));
    }

    private static SyncGroupResponseData syncResponse(final short error, final String protocolType,
                                                      final String protocolName, final byte[] assignment,
                                                      final short version) {
        final SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(error)
            .setAssignment(assignment);
        if (version >= 5) {
            response.setProtocolType(protocolType).setProtocolName(protocolName);
        }
        return response;
    }

    void heartbeat(final RequestContext context, final ApiMessage body) {
        final HeartbeatRequestData request = (HeartbeatRequestData) body;
        short error = offsetsTopic.status(request.groupId());
        if (error == GroupErrors.NONE) {
            error = coordinator.heartbeat(request.groupId(), request.memberId(), request.groupInstanceId(),
                request.generationId());
        }
        context.respond(new HeartbeatResponseData().setErrorCode(error));
    }

    void leaveGroup(final RequestContext context, final ApiMessage body) {
        final LeaveGroupRequestData request = (LeaveGroupRequestData) body;
        final short version = context.version();
        final List<MemberIdentity> leaving = new ArrayList<>();
        if (version < 3) {
            leaving.add(new MemberIdentity(request.memberId(), null));
        } else {
            for (final LeaveGroupRequestData.MemberIdentity member : request.members()) {
                leaving.add(new MemberIdentity(member.memberId(), member.groupInstanceId()));
            }
        }
        final short status = offsetsTopic.status(request.groupId());
        final LeaveGroupResult result = status != GroupErrors.NONE ? new LeaveGroupResult(status, List.of())
            : coordinator.leaveGroup(request.groupId(), leaving);
        final LeaveGroupResponseData response = new LeaveGroupResponseData().setErrorCode(result.error());
        if (version < 3) {
            // one member: its error is the answer (Kafka's LeaveGroupResponse for v0-v2)
            if (result.error() == GroupErrors.NONE && !result.memberErrors().isEmpty()) {
                response.setErrorCode(result.memberErrors().get(0));
            }
        } else if (result.error() == GroupErrors.NONE) {
            for (int i = 0; i < leaving.size(); i++) {
                response.members().add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(leaving.get(i).memberId()).setGroupInstanceId(leaving.get(i).groupInstanceId())
                    .setErrorCode(i < result.memberErrors().size() ? result.memberErrors().get(i) : GroupErrors.NONE));
            }
        }
        context.respond(response);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Offsets: OffsetCommit, OffsetFetch, OffsetDelete
    // ---------------------------------------------------------------------------------------------------------

    void offsetCommit(final RequestContext context, final ApiMessage body) {
        final OffsetCommitRequestData request = (OffsetCommitRequestData) body;
        final short version = context.version();
        final OffsetCommitResponseData response = new OffsetCommitResponseData();
        final Map<OffsetKey, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        final Map<OffsetKey, OffsetCommitResponseData.OffsetCommitResponsePartition> answers = new LinkedHashMap<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final OffsetCommitResponseData.OffsetCommitResponseTopic topicAnswer =
                new OffsetCommitResponseData.OffsetCommitResponseTopic();
            response.topics().add(topicAnswer);
            String name = topic.name();
            if (version >= 10) {
                topicAnswer.setTopicId(topic.topicId());
                final TopicManager.Topic known = topic.topicId() == null || Uuid.ZERO_UUID.equals(topic.topicId())
                    ? null : services.topics().topic(Ids.fromKafka(topic.topicId()));
                name = known == null ? null : known.name();
            } else {
                topicAnswer.setName(name);
            }
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                final OffsetCommitResponseData.OffsetCommitResponsePartition answer =
                    new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                topicAnswer.partitions().add(answer);
                if (name == null) {
                    answer.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                    continue;
                }
                final OffsetKey key = new OffsetKey(name, p.partitionIndex());
                offsets.put(key, OffsetAndMetadata.of(p.committedOffset(),
                    version >= 6 ? p.committedLeaderEpoch() : -1, p.committedMetadata()));
                answers.put(key, answer);
            }
        }
        final short status = offsetsTopic.status(request.groupId());
        if (status != GroupErrors.NONE || offsets.isEmpty()) {
            for (final OffsetCommitResponseData.OffsetCommitResponsePartition answer : answers.values()) {
                answer.setErrorCode(status);
            }
            context.respond(response);
            return;
        }
        final OffsetCommitRequest commit = new OffsetCommitRequest(request.groupId(),
            request.generationIdOrMemberEpoch(), request.memberId(), version >= 7 ? request.groupInstanceId() : null,
            offsets);
        coordinator.commitOffsets(commit, result -> {
            for (final Map.Entry<OffsetKey, OffsetCommitResponseData.OffsetCommitResponsePartition> entry
                : answers.entrySet()) {
                final Short code = result.partitions().get(entry.getKey());
                short error = result.error() != GroupErrors.NONE || code == null ? result.error() : code;
                if (error == GroupErrors.GROUP_ID_NOT_FOUND && version < 9) {
                    // clients before OffsetCommit v9 do not know GROUP_ID_NOT_FOUND here (Kafka maps it the same way)
                    error = GroupErrors.ILLEGAL_GENERATION;
                }
                entry.getValue().setErrorCode(error);
            }
            context.respond(response);
        });
    }

    void offsetFetch(final RequestContext context, final ApiMessage body) {
        final OffsetFetchRequestData request = (OffsetFetchRequestData) body;
        final short version = context.version();
        if (version >= 8) {
            final OffsetFetchResponseData response = new OffsetFetchResponseData();
            for (final OffsetFetchRequestData.OffsetFetchRequestGroup group : request.groups()) {
                response.groups().add(fetchGroup(group, version >= 10));
            }
            context.respond(response);
            return;
        }
        final List<OffsetKey> wanted;
        if (request.topics() == null) {
            wanted = null;
        } else {
            wanted = new ArrayList<>();
            for (final OffsetFetchRequestData.OffsetFetchRequestTopic topic : request.topics()) {
                for (final int partition : topic.partitionIndexes()) {
                    wanted.add(new OffsetKey(topic.name(), partition));
                }
            }
        }
        final short status = offsetsTopic.status(request.groupId());
        final OffsetFetchResult result = status != GroupErrors.NONE ? new OffsetFetchResult(status, Map.of())
            : coordinator.fetchOffsets(request.groupId(), wanted);
        final OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version >= 2) {
            response.setErrorCode(result.error());
        }
        final Map<String, OffsetFetchResponseData.OffsetFetchResponseTopic> byTopic = new LinkedHashMap<>();
        if (result.error() != GroupErrors.NONE && wanted != null && version < 2) {
            // v1 has no top-level error: every partition carries it
            for (final OffsetKey key : wanted) {
                byTopic.computeIfAbsent(key.topic(), t -> new OffsetFetchResponseData.OffsetFetchResponseTopic()
                    .setName(t)).partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                    .setPartitionIndex(key.partition()).setCommittedOffset(-1).setMetadata("")
                    .setErrorCode(result.error()));
            }
        }
        for (final Map.Entry<OffsetKey, OffsetAndMetadata> entry : result.offsets().entrySet()) {
            final OffsetAndMetadata value = entry.getValue();
            final OffsetFetchResponseData.OffsetFetchResponsePartition partition =
                new OffsetFetchResponseData.OffsetFetchResponsePartition().setPartitionIndex(entry.getKey().partition())
                    .setCommittedOffset(value.offset()).setMetadata(value.metadata() == null ? "" : value.metadata());
            if (version >= 5) {
                partition.setCommittedLeaderEpoch(value.leaderEpoch());
            }
            byTopic.computeIfAbsent(entry.getKey().topic(), t -> new OffsetFetchResponseData.OffsetFetchResponseTopic()
                .setName(t)).partitions().add(partition);
        }
        response.topics().addAll(byTopic.values());
        context.respond(response);
    }

    private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(
        final OffsetFetchRequestData.OffsetFetchRequestGroup group, final boolean byTopicId) {
        final OffsetFetchResponseData.OffsetFetchResponseGroup answer = new OffsetFetchResponseData
            .OffsetFetchResponseGroup().setGroupId(group.groupId());
        final Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
        List<OffsetKey> wanted = null;
        if (group.topics() != null) {
            wanted = new ArrayList<>();
            for (final OffsetFetchRequestData.OffsetFetchRequestTopics topic : group.topics()) {
                String name = topic.name();
                if (byTopicId) {
                    final TopicManager.Topic known = topic.topicId() == null ? null
                        : services.topics().topic(Ids.fromKafka(topic.topicId()));
                    name = known == null ? null : known.name();
                    if (name == null) {
                        final OffsetFetchResponseData.OffsetFetchResponseTopics unknown = new OffsetFetchResponseData
                            .OffsetFetchResponseTopics().setTopicId(topic.topicId());
                        for (final int partition : topic.partitionIndexes()) {
                            unknown.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                                .setPartitionIndex(partition).setCommittedOffset(-1).setMetadata("")
                                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                        }
                        byTopic.put("\0" + topic.topicId(), unknown);
                        continue;
                    }
                }
                for (final int partition : topic.partitionIndexes()) {
                    wanted.add(new OffsetKey(name, partition));
                }
            }
        }
        final short status = offsetsTopic.status(group.groupId());
        final OffsetFetchResult result = status != GroupErrors.NONE ? new OffsetFetchResult(status, Map.of())
            : coordinator.fetchOffsets(group.groupId(), wanted);
        answer.setErrorCode(result.error());
        for (final Map.Entry<OffsetKey, OffsetAndMetadata> entry : result.offsets().entrySet()) {
            final String name = entry.getKey().topic();
            OffsetFetchResponseData.OffsetFetchResponseTopics topic = byTopic.get(name);
            if (topic == null) {
                topic = new OffsetFetchResponseData.OffsetFetchResponseTopics();
                if (byTopicId) {
                    final TopicManager.Topic known = services.topics().topic(name);
                    if (known == null) {
                        continue; // committed for a topic that no longer exists: it has no id to report
                    }
                    topic.setTopicId(Ids.toKafka(known.id()));
                } else {
                    topic.setName(name);
                }
                byTopic.put(name, topic);
            }
            final OffsetAndMetadata value = entry.getValue();
            topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                .setPartitionIndex(entry.getKey().partition()).setCommittedOffset(value.offset())
                .setCommittedLeaderEpoch(value.leaderEpoch())
                .setMetadata(value.metadata() == null ? "" : value.metadata()));
        }
        answer.topics().addAll(byTopic.values());
        return answer;
    }

    void offsetDelete(final RequestContext context, final ApiMessage body) {
        final OffsetDeleteRequestData request = (OffsetDeleteRequestData) body;
        final List<OffsetKey> keys = new ArrayList<>();
        for (final OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.topics()) {
            for (final OffsetDeleteRequestData.OffsetDeleteRequestPartition p : topic.partitions()) {
                keys.add(new OffsetKey(topic.name(), p.partitionIndex()));
            }
        }
        final short status = offsetsTopic.status(request.groupId());
        if (status != GroupErrors.NONE) {
            context.respond(new OffsetDeleteResponseData().setErrorCode(status));
            return;
        }
        coordinator.deleteOffsets(request.groupId(), keys, result -> context.respond(offsetDeleteResponse(result)));
    }

    private static OffsetDeleteResponseData offsetDeleteResponse(final PartitionErrors result) {
        final OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(result.error());
        if (result.error() != GroupErrors.NONE) {
            return response;
        }
        final Map<String, OffsetDeleteResponseData.OffsetDeleteResponseTopic> byTopic = new LinkedHashMap<>();
        for (final Map.Entry<OffsetKey, Short> entry : result.partitions().entrySet()) {
            byTopic.computeIfAbsent(entry.getKey().topic(), t -> new OffsetDeleteResponseData
                .OffsetDeleteResponseTopic().setName(t)).partitions().add(new OffsetDeleteResponseData
                .OffsetDeleteResponsePartition().setPartitionIndex(entry.getKey().partition())
                .setErrorCode(entry.getValue()));
        }
        for (final OffsetDeleteResponseData.OffsetDeleteResponseTopic topic : byTopic.values()) {
            response.topics().add(topic);
        }
        return response;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Administration: ListGroups, DescribeGroups, DeleteGroups
    // ---------------------------------------------------------------------------------------------------------

    void listGroups(final RequestContext context, final ApiMessage body) {
        final ListGroupsRequestData request = (ListGroupsRequestData) body;
        final short version = context.version();
        final ListGroupsResponseData response = new ListGroupsResponseData();
        if (offsetsTopic.isLoading()) {
            context.respond(response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
            return;
        }
        final Set<String> states = lowerCase(version >= 4 ? request.statesFilter() : List.of());
        final Set<String> types = lowerCase(version >= 5 ? request.typesFilter() : List.of());
        if (!types.isEmpty() && !types.contains(CLASSIC_GROUP_TYPE)) {
            context.respond(response);
            return;
        }
        for (final GroupListing listing : coordinator.listGroups()) {
            if (!states.isEmpty() && !states.contains(listing.state().kafkaName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            final ListGroupsResponseData.ListedGroup group = new ListGroupsResponseData.ListedGroup()
                .setGroupId(listing.groupId()).setProtocolType(listing.protocolType());
            if (version >= 4) {
                group.setGroupState(listing.state().kafkaName());
            }
            if (version >= 5) {
                group.setGroupType(CLASSIC_GROUP_TYPE);
            }
            response.groups().add(group);
        }
        context.respond(response);
    }

    private static Set<String> lowerCase(final List<String> values) {
        final Set<String> set = new HashSet<>();
        for (final String value : values) {
            set.add(value.toLowerCase(Locale.ROOT));
        }
        return set;
    }

    void describeGroups(final RequestContext context, final ApiMessage body) {
        final DescribeGroupsRequestData request = (DescribeGroupsRequestData) body;
        final short version = context.version();
        final DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (final String groupId : request.groups()) {
            final DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId).setAuthorizedOperations(NO_AUTHORIZED_OPERATIONS);
            response.groups().add(out);
            final short status = offsetsTopic.status(groupId);
            final GroupDescription group = status != GroupErrors.NONE ? null : coordinator.describeGroup(groupId);
            final short error = group == null ? status : group.error();
            if (error != GroupErrors.NONE) {
                out.setErrorCode(error).setGroupState("").setProtocolType("").setProtocolData("");
                continue;
            }
            out.setGroupState(group.state().kafkaName()).setProtocolType(group.protocolType())
                .setProtocolData(group.protocol());
            if (version >= 6 && "Dead".equals(group.state().kafkaName())) {
                // KIP-1043: v6 says that an unknown group does not exist instead of describing it as Dead
                out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " not found.");
                continue;
            }
            for (final GroupDescription.Member member : group.members()) {
                final DescribeGroupsResponseData.DescribedGroupMember described = new DescribeGroupsResponseData
                    .DescribedGroupMember().setMemberId(member.memberId()).setClientId(member.clientId())
                    .setClientHost(member.clientHost()).setMemberMetadata(member.metadata())
                    .setMemberAssignment(member.assignment());
                if (version >= 4) {
                    described.setGroupInstanceId(member.groupInstanceId());
                }
                out.members().add(described);
            }
        }
        context.respond(response);
    }

    void deleteGroups(final RequestContext context, final ApiMessage body) {
        final DeleteGroupsRequestData request = (DeleteGroupsRequestData) body;
        final Map<String, Short> refused = new LinkedHashMap<>();
        final List<String> deletable = new ArrayList<>();
        for (final String groupId : request.groupsNames()) {
            final short status = offsetsTopic.status(groupId);
            if (status != GroupErrors.NONE) {
                refused.put(groupId, status);
            } else {
                deletable.add(groupId);
            }
        }
        coordinator.deleteGroups(deletable, results -> {
            final DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (final String groupId : request.groupsNames()) {
                final Short code = refused.containsKey(groupId) ? refused.get(groupId) : results.get(groupId);
                if (response.results().find(groupId) == null) {
                    response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                        .setErrorCode(code == null ? GroupErrors.NONE : code));
                }
            }
            context.respond(response);
        });
    }

    private static String clientId(final RequestContext context) {
        return context.clientId() == null ? "" : context.clientId();
    }

    private static String clientHost(final RequestContext context) {
        // Kafka reports the peer as InetAddress.toString() of an unresolved address: "/127.0.0.1"
        return "/" + context.request().remoteAddress().getAddress().getHostAddress();
    }
}
