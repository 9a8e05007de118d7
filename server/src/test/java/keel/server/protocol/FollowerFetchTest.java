package keel.server.protocol;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import keel.replication.LeaderAndIsr;
import keel.replication.Partition;
import keel.replication.ReplicaManager;
import keel.replication.ReplicationError;
import keel.server.TestBroker;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch with a replica id against a real broker. A single-node server has no second replica, so each test makes the
 * server's own {@link Partition} the leader of a two-replica in-sync set {this broker, {@link #FOLLOWER}} (or a
 * follower) through a {@link ReplicaManager} with inert transport, scheduler and state store: the seam the cluster
 * layer will drive. Requests are hand-built and sent raw.
 */
@Timeout(60)
class FollowerFetchTest {
    private static final int FOLLOWER = 2;
    private static final int EPOCH = 1;
    private static final short VERSION = 12;

    @TempDir
    static Path dataDir;

    private static LeaderFixture leader;
    private static TestBroker broker;
    private static ReplicaManager replicaManager;

    @BeforeAll
    static void startBroker() throws Exception {
        leader = LeaderFixture.start(dataDir);
        broker = leader.broker();
        replicaManager = leader.replicaManager();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        leader.close();
    }

    private static int brokerId() {
        return leader.brokerId();
    }

    /** Creates {@code topic} and makes its partition 0 lead at {@link #EPOCH} with in-sync set {this, follower}. */
    private static Partition leaderWithFollower(final String topic) throws Exception {
        return leader.leaderWithFollower(topic, FOLLOWER, EPOCH);
    }

    @Test
    void shouldReadPastHighWatermarkWhenFollowerFetches() throws Exception {
        final Partition partition = leaderWithFollower("follower-reads-to-log-end");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, "follower-reads-to-log-end", (short) 1, 3));

            final FetchResponseData.PartitionData answer = fetch(client, "follower-reads-to-log-end", FOLLOWER, 0,
                EPOCH);

            assertEquals(Errors.NONE.code(), answer.errorCode());
            assertEquals(0, answer.highWatermark());
            assertEquals(3, recordCount(answer));
            assertEquals(0, partition.highWatermark());
        }
    }

    @Test
    void shouldCapConsumerFetchAtHighWatermarkWhenFollowerHasNotFetched() throws Exception {
        leaderWithFollower("consumer-capped");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, "consumer-capped", (short) 1, 3));

            final FetchResponseData.PartitionData answer = fetch(client, "consumer-capped", -1, 0, EPOCH);

            assertEquals(Errors.NONE.code(), answer.errorCode());
            assertEquals(0, answer.highWatermark());
            assertEquals(0, recordCount(answer));
        }
    }

    @Test
    void shouldAdvanceHighWatermarkWhenInSyncFollowerFetchesFromLogEnd() throws Exception {
        final Partition partition = leaderWithFollower("follower-advances-hw");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, "follower-advances-hw", (short) 1, 3));

            final FetchResponseData.PartitionData answer = fetch(client, "follower-advances-hw", FOLLOWER, 3, EPOCH);

            assertEquals(Errors.NONE.code(), answer.errorCode());
            assertEquals(3, answer.highWatermark());
            assertEquals(3, partition.highWatermark());
        }
    }

    @Test
    void shouldCompleteParkedAcksAllProduceWhenFollowerFetchAdvancesHighWatermark() throws Exception {
        final Partition partition = leaderWithFollower("follower-completes-produce");
        try (RawClient producer = new RawClient(broker.server().boundPort());
             RawClient follower = new RawClient(broker.server().boundPort())) {
            final RequestHeader header = producer.write(ApiKeys.PRODUCE, (short) 12,
                LeaderFixture.produceRequest("follower-completes-produce", (short) -1, 1));
            await(() -> partition.log().logEndOffset() == 1, 20_000, () -> "produce never appended");

            assertEquals(Errors.NONE.code(), fetch(follower, "follower-completes-produce", FOLLOWER, 1, EPOCH)
                .errorCode());

            final ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(
                ByteBuffer.wrap(producer.readFrame()), header);
            assertEquals(Errors.NONE.code(), response.data().responses().iterator().next().partitionResponses()
                .get(0).errorCode());
        }
    }

    @Test
    void shouldAnswerFencedLeaderEpochWhenFollowerFetchCarriesOlderEpoch() throws Exception {
        leaderWithFollower("follower-stale-epoch");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FetchResponseData.PartitionData answer = fetch(client, "follower-stale-epoch", FOLLOWER, 0,
                EPOCH - 1);

            assertEquals(Errors.FENCED_LEADER_EPOCH.code(), answer.errorCode());
        }
    }

    @Test
    void shouldAnswerUnknownLeaderEpochWhenFollowerFetchCarriesNewerEpoch() throws Exception {
        leaderWithFollower("follower-future-epoch");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FetchResponseData.PartitionData answer = fetch(client, "follower-future-epoch", FOLLOWER, 0,
                EPOCH + 1);

            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), answer.errorCode());
        }
    }

    @Test
    void shouldAnswerFencedLeaderEpochWhenConsumerFetchCarriesOlderEpoch() throws Exception {
        leaderWithFollower("consumer-stale-epoch");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FetchResponseData.PartitionData answer = fetch(client, "consumer-stale-epoch", -1, 0, EPOCH - 1);

            assertEquals(Errors.FENCED_LEADER_EPOCH.code(), answer.errorCode());
        }
    }

    @Test
    void shouldAnswerOutOfRangeWithLogStartWhenFollowerFetchesPastLogEnd() throws Exception {
        leaderWithFollower("follower-past-end");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, "follower-past-end", (short) 1, 3));

            final FetchResponseData.PartitionData answer = fetch(client, "follower-past-end", FOLLOWER, 10, EPOCH);

            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), answer.errorCode());
            assertEquals(0, answer.logStartOffset());
            assertEquals(0, answer.highWatermark());
        }
    }

    @Test
    void shouldAnswerOutOfRangeWithLogStartWhenFollowerFetchesBelowLogStart() throws Exception {
        final Partition partition = leaderWithFollower("follower-below-start");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, "follower-below-start", (short) 1, 3));
            assertEquals(Errors.NONE.code(), fetch(client, "follower-below-start", FOLLOWER, 3, EPOCH).errorCode());
            partition.log().deleteRecordsBefore(2);

            final FetchResponseData.PartitionData answer = fetch(client, "follower-below-start", FOLLOWER, 1, EPOCH);

            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), answer.errorCode());
            assertEquals(2, answer.logStartOffset());
        }
    }

    @Test
    void shouldAnswerNotLeaderWhenConsumerFetchesFromFollowerReplica() throws Exception {
        broker.server().topics().createTopic("consumer-on-follower", 1, 1, Map.of(), false);
        final Partition partition = broker.server().topics().topic("consumer-on-follower").partition(0);
        final List<Integer> replicas = List.of(FOLLOWER, brokerId());
        assertEquals(ReplicationError.NONE, replicaManager.becomeFollower(partition,
            new LeaderAndIsr(FOLLOWER, EPOCH, replicas, 0), replicas));
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FetchResponseData.PartitionData answer = fetch(client, "consumer-on-follower", -1, 0, -1);

            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), answer.errorCode());
        }
    }

    @Test
    void shouldTreatReplicaStateReplicaIdAsFollowerWhenVersionIsFifteenOrLater() throws Exception {
        final Partition partition = leaderWithFollower("follower-v15");
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, "follower-v15", (short) 1, 2));
            final UUID id = broker.server().topics().topic("follower-v15").id();
            final FetchRequestData request = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(FOLLOWER)
                    .setReplicaEpoch(-1));
            final FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic()
                .setTopicId(new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits()));
            topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(2)
                .setCurrentLeaderEpoch(EPOCH).setPartitionMaxBytes(1 << 20));
            request.topics().add(topic);

            final FetchResponse response = (FetchResponse) client.send(ApiKeys.FETCH, (short) 16, request);

            assertEquals(Errors.NONE.code(), response.data().responses().get(0).partitions().get(0).errorCode());
            assertEquals(2, partition.highWatermark());
        }
    }

    private static int recordCount(final FetchResponseData.PartitionData answer) {
        int count = 0;
        for (final org.apache.kafka.common.record.internal.Record ignored : ((Records) answer.records()).records()) {
            count++;
        }
        return count;
    }

    private static FetchResponseData.PartitionData fetch(final RawClient client, final String topic,
                                                         final int replicaId, final long offset,
                                                         final int currentLeaderEpoch) throws Exception {
        final FetchRequestData request = new FetchRequestData().setReplicaId(replicaId).setMaxWaitMs(0)
            .setMinBytes(1).setMaxBytes(1 << 20);
        final FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setTopic(topic);
        fetchTopic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
            .setCurrentLeaderEpoch(currentLeaderEpoch).setPartitionMaxBytes(1 << 20));
        request.topics().add(fetchTopic);
        final FetchResponse response = (FetchResponse) client.send(ApiKeys.FETCH, VERSION, request);
        assertEquals(Errors.NONE.code(), response.data().errorCode());
        return response.data().responses().get(0).partitions().get(0);
    }

    private static short produce(final RawClient client, final String topic, final short acks, final int count)
        throws Exception {
        final ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, (short) 12,
            LeaderFixture.produceRequest(topic, acks, count));
        final ProduceResponseData.TopicProduceResponse topicResponse = response.data().responses().iterator().next();
        return topicResponse.partitionResponses().get(0).errorCode();
    }
}
