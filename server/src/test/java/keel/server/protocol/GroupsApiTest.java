package keel.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import keel.log.testing.Await;
import keel.server.TestBroker;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group glue with raw requests built by kafka-clients' request classes: bad input gets an error and leaves the
 * group working; the internal offsets topic is internal. Every test has its own group.
 */
@Timeout(60)
class GroupsApiTest {
    private static final short JOIN_VERSION = 5;

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, Map.of("group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "2", "offsets.topic.segment.bytes", Integer.toString(1 << 20))).start();
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            client.send(ApiKeys.FIND_COORDINATOR, (short) 3, new FindCoordinatorRequestData().setKey("setup"));
        }
        Await.await(() -> broker.server().offsetsLoaded(), 30_000, () -> "__consumer_offsets not loaded");
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private static JoinGroupRequestData join(final String group, final String memberId, final String protocolType,
                                             final byte[] metadata) {
        final JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
            .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setProtocolType(protocolType);
        data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
            .setMetadata(metadata));
        return data;
    }

    /** Member id required, then the join: the member alone in its generation, as leader. */
    private static JoinGroupResponseData joinAlone(final RawClient client, final String group) throws Exception {
        final String memberId = ((JoinGroupResponse) client.send(ApiKeys.JOIN_GROUP, JOIN_VERSION,
            join(group, "", "consumer", new byte[] {1}))).data().memberId();
        return ((JoinGroupResponse) client.send(ApiKeys.JOIN_GROUP, JOIN_VERSION,
            join(group, memberId, "consumer", new byte[] {1}))).data();
    }

    private static short heartbeat(final RawClient client, final String group, final JoinGroupResponseData member,
                                   final int generation) throws Exception {
        return ((HeartbeatResponse) client.send(ApiKeys.HEARTBEAT, (short) 4, new HeartbeatRequestData()
            .setGroupId(group).setMemberId(member.memberId()).setGenerationId(generation))).data().errorCode();
    }

    @Test
    void shouldRefuseAnotherProtocolTypeAndKeepTheGroupWhenAJoinUsesIt() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final JoinGroupResponseData member = joinAlone(client, "protocol-type");

            final JoinGroupResponseData refused = ((JoinGroupResponse) client.send(ApiKeys.JOIN_GROUP, (short) 3,
                join("protocol-type", "", "not-a-consumer", new byte[] {1}))).data();

            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), refused.errorCode());
            assertEquals(Errors.NONE.code(), heartbeat(client, "protocol-type", member, member.generationId()));
        }
    }

    @Test
    void shouldAnswerIllegalGenerationAndKeepTheMemberWhenItSendsAWrongGeneration() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final JoinGroupResponseData member = joinAlone(client, "generation");
            final SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId("generation")
                .setMemberId(member.memberId()).setGenerationId(member.generationId() + 5);

            final short syncError = ((SyncGroupResponse) client.send(ApiKeys.SYNC_GROUP, (short) 5,
                sync.setProtocolType("consumer").setProtocolName("range"))).data().errorCode();
            final short heartbeatError = heartbeat(client, "generation", member, member.generationId() + 5);

            assertEquals(Errors.ILLEGAL_GENERATION.code(), syncError);
            assertEquals(Errors.ILLEGAL_GENERATION.code(), heartbeatError);
            assertEquals(Errors.NONE.code(), heartbeat(client, "generation", member, member.generationId()));
        }
    }

    @Test
    void shouldRefuseOversizedMetadataAndAcceptTheNextJoinWhenAMemberSendsTooMuch() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final JoinGroupResponseData refused = ((JoinGroupResponse) client.send(ApiKeys.JOIN_GROUP, (short) 3,
                join("oversized", "", "consumer", new byte[300 * 1024]))).data();

            assertEquals(Errors.INVALID_REQUEST.code(), refused.errorCode());
            final JoinGroupResponseData member = joinAlone(client, "oversized");
            assertEquals(Errors.NONE.code(), member.errorCode());
            assertEquals(member.memberId(), member.leader());
        }
    }

    @Test
    void shouldAnswerAnErrorWhenFindCoordinatorAsksForATransactionCoordinator() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FindCoordinatorResponse response = (FindCoordinatorResponse) client.send(
                ApiKeys.FIND_COORDINATOR, (short) 6, new FindCoordinatorRequestData().setKeyType((byte) 1)
                    .setCoordinatorKeys(List.of("txn")));

            assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(),
                response.data().coordinators().get(0).errorCode());
        }
    }

    @Test
    void shouldListTheOffsetsTopicAsInternalWhenMetadataAsksForAllTopics() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final MetadataResponse response = (MetadataResponse) client.send(ApiKeys.METADATA, (short) 12,
                new MetadataRequestData().setTopics(null));

            final MetadataResponseData.MetadataResponseTopic topic = response.data().topics()
                .find(OffsetsTopic.NAME);
            assertTrue(topic != null && topic.isInternal(), () -> "metadata: " + response.data());
            assertEquals(2, topic.partitions().size());
        }
    }

    @Test
    void shouldRefuseToDeleteTheOffsetsTopicWhenDeleteTopicsNamesIt() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final DeleteTopicsResponse response = (DeleteTopicsResponse) client.send(ApiKeys.DELETE_TOPICS,
                (short) 5, new DeleteTopicsRequestData().setTopicNames(List.of(OffsetsTopic.NAME)));

            assertEquals(Errors.INVALID_REQUEST.code(), response.data().responses().find(OffsetsTopic.NAME)
                .errorCode());
            assertTrue(broker.server().topics().topic(OffsetsTopic.NAME) != null);
        }
    }

    @Test
    void shouldRefuseToStartWhenOffsetsTopicPartitionsDifferFromTheExistingTopic(@TempDir final Path ownDir)
        throws Exception {
        final Map<String, String> two = Map.of("offsets.topic.num.partitions", "2",
            "offsets.topic.segment.bytes", Integer.toString(1 << 20));
        try (TestBroker own = new TestBroker(ownDir, two).start();
             RawClient client = new RawClient(own.server().boundPort())) {
            client.send(ApiKeys.FIND_COORDINATOR, (short) 3, new FindCoordinatorRequestData().setKey("g"));
            Await.await(() -> own.server().offsetsLoaded(), 30_000, () -> "__consumer_offsets not loaded");
        }

        final TestBroker three = new TestBroker(ownDir, Map.of("offsets.topic.num.partitions", "3"));
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, three::start);

        assertEquals("Invalid value 3 for configuration offsets.topic.num.partitions: __consumer_offsets already has "
            + "2 partitions, and the value is fixed for the life of the data directory", ex.getMessage());
    }
}
