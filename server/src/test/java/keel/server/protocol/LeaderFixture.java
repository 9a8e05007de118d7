package keel.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import keel.replication.LeaderAndIsr;
import keel.replication.Partition;
import keel.replication.PartitionStateStore;
import keel.replication.ReplicaManager;
import keel.replication.ReplicaTransport;
import keel.replication.ReplicationConfig;
import keel.replication.ReplicationError;
import keel.replication.Scheduler;
import keel.replication.TopicPartition;
import keel.server.TestBroker;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * A real single-node broker whose partitions a test makes the leader of a replica set that includes another broker
 * id, so that Fetch with that replica id takes the follower path. A single-node server has no second replica, so the
 * fixture drives the server's own {@link Partition}s through a {@link ReplicaManager} with inert transport,
 * scheduler and state store: the seam the cluster layer drives.
 */
final class LeaderFixture implements AutoCloseable {
    private final TestBroker broker;
    private final ReplicaManager replicaManager;

    private LeaderFixture(final TestBroker broker, final ReplicaManager replicaManager) {
        this.broker = broker;
        this.replicaManager = replicaManager;
    }

    /**
     * Starts the broker.
     *
     * @param dataDir its data directory.
     * @return the running fixture.
     * @throws IOException if the broker cannot start.
     */
    static LeaderFixture start(final Path dataDir) throws IOException {
        final TestBroker broker = new TestBroker(dataDir, Map.of()).start();
        final Scheduler inertScheduler = (task, delayMs) -> { };
        final ReplicaTransport inertTransport = new ReplicaTransport() {
            @Override
            public void fetch(final int sourceBrokerId, final int replicaId, final long maxWaitMs,
                              final List<FetchPartition> partitions, final FetchCallback callback) {
            }

            @Override
            public void offsetForLeaderEpoch(final int sourceBrokerId, final int replicaId,
                                             final TopicPartition partition, final int currentLeaderEpoch,
                                             final int leaderEpoch, final EpochCallback callback) {
            }
        };
        final PartitionStateStore inertStore = (partition, proposed, callback) -> { };
        return new LeaderFixture(broker, new ReplicaManager(broker.server().topics().brokerId(),
            new ReplicationConfig(), inertScheduler, inertTransport, inertStore));
    }

    TestBroker broker() {
        return broker;
    }

    ReplicaManager replicaManager() {
        return replicaManager;
    }

    int brokerId() {
        return broker.server().topics().brokerId();
    }

    int port() {
        return broker.server().boundPort();
    }

    /**
     * Creates {@code topic} and makes its partition 0 lead at {@code epoch} with in-sync set {this, follower}.
     */
    Partition leaderWithFollower(final String topic, final int follower, final int epoch) throws Exception {
        broker.server().topics().createTopic(topic, 1, 1, Map.of(), false);
        final Partition partition = broker.server().topics().topic(topic).partition(0);
        final List<Integer> replicas = List.of(brokerId(), follower);
        assertEquals(ReplicationError.NONE, replicaManager.becomeLeader(partition,
            new LeaderAndIsr(brokerId(), epoch, replicas, 0), replicas));
        return partition;
    }

    /**
     * Produces {@code count} records in one batch to partition 0 of {@code topic}.
     *
     * @return the partition's error code.
     */
    short produce(final String topic, final short acks, final int count) throws Exception {
        try (RawClient client = new RawClient(port())) {
            final ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, (short) 12,
                produceRequest(topic, acks, count));
            final ProduceResponseData.TopicProduceResponse topicResponse =
                response.data().responses().iterator().next();
            return topicResponse.partitionResponses().get(0).errorCode();
        }
    }

    static ProduceRequestData produceRequest(final String topic, final short acks, final int count) {
        final SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(1000L, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        final ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        final ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
            .setRecords(MemoryRecords.withRecords(Compression.NONE, records)));
        data.topicData().add(topicData);
        return data;
    }

    @Override
    public void close() throws IOException {
        replicaManager.close();
        broker.close();
    }
}
