package keel.server.protocol;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

import keel.log.LogConfig;
import keel.log.LogManager;
import keel.replication.DelayedOperationPurgatory;
import keel.server.metadata.ClusterView;
import keel.server.metadata.ProducerIdManager;
import keel.server.metadata.TopicManager;
import keel.server.network.NetworkConfig;
import keel.server.network.SocketServer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * KAFKA-7504: a fetch whose data may be cold and a produce that may fsync leave the network thread. The executors
 * are manual (tasks run only when the test says), so the tests prove by order, not by timing, that the work is on
 * them and that nothing else on the one network thread waits for it.
 */
@Timeout(60)
class ColdReadOffloadTest {
    private static final String TOPIC = "cold";
    private static final String SYNCED = "synced";

    @TempDir
    Path dataDir;

    private final ManualExecutor ioExecutor = new ManualExecutor();
    private final ManualExecutor syncExecutor = new ManualExecutor();
    private LogManager logs;
    private DelayedOperationPurgatory producePurgatory;
    private DelayedOperationPurgatory fetchPurgatory;
    private SocketServer socketServer;

    /** Runs its tasks only when asked, on the asking thread. */
    private static final class ManualExecutor implements Executor {
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(final Runnable command) {
            tasks.add(command);
        }

        int pending() {
            return tasks.size();
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    @BeforeEach
    void start() throws IOException {
        final LogConfig defaults = LogConfig.defaults();
        logs = LogManager.open(dataDir, defaults);
        producePurgatory = new DelayedOperationPurgatory("produce");
        fetchPurgatory = new DelayedOperationPurgatory("fetch");
        final TopicManager topics = TopicManager.load(logs, defaults, 0, 1, 1, 1, partition -> {
            producePurgatory.checkAndComplete(partition);
            fetchPurgatory.checkAndComplete(partition);
        });
        topics.createTopic(TOPIC, 1, 1, Map.of(), false);
        topics.createTopic(SYNCED, 1, 1, Map.of(LogConfig.FLUSH_MESSAGES_CONFIG, "1"), false);
        final BrokerServices services = new BrokerServices(topics, topics, ProducerIdManager.open(dataDir), producePurgatory,
            fetchPurgatory, ioExecutor, "cluster", "127.0.0.1", () -> 0, false, true, Map.of(), null, null,
            ClusterView.singleNode(() -> new ClusterView.Node(0, "127.0.0.1", 0, null), topics));
        // every region counts as cold; one network thread serves every connection
        socketServer = SocketServer.open(NetworkConfig.fromMap(Map.of(NetworkConfig.LISTENERS_CONFIG,
            "PLAINTEXT://127.0.0.1:0", NetworkConfig.NUM_NETWORK_THREADS_CONFIG, "1")),
            new KafkaRequestHandler(services, read -> true, syncExecutor));
    }

    @AfterEach
    void stop() throws IOException {
        if (socketServer != null) {
            socketServer.close();
        }
        ioExecutor.runAll();
        syncExecutor.runAll();
        producePurgatory.close();
        fetchPurgatory.close();
        logs.close();
    }

    @Test
    void shouldAnswerFetchFromIoExecutorWhenDataMayBeCold() throws Exception {
        try (RawClient client = new RawClient(socketServer.boundPort())) {
            assertEquals(Errors.NONE.code(), produce(client, TOPIC, "first").errorCode());
            final RequestHeader header = client.write(ApiKeys.FETCH, (short) 12, fetch(TOPIC));
            await(() -> ioExecutor.pending() == 1, 10_000, () -> "the fetch handed to the I/O executor");

            ioExecutor.runAll();

            final FetchResponseData response = ((FetchResponse) AbstractResponse.parseResponse(
                ByteBuffer.wrap(client.readFrame()), header)).data();
            final FetchResponseData.PartitionData partition = response.responses().get(0).partitions().get(0);
            assertEquals(Errors.NONE.code(), partition.errorCode());
            assertTrue(((MemoryRecords) partition.records()).sizeInBytes() > 0);
        }
    }

    @Test
    void shouldAnswerProduceOnSameNetworkThreadWhileColdFetchIsPending() throws Exception {
        try (RawClient consumer = new RawClient(socketServer.boundPort());
             RawClient producer = new RawClient(socketServer.boundPort())) {
            assertEquals(Errors.NONE.code(), produce(producer, TOPIC, "first").errorCode());
            consumer.write(ApiKeys.FETCH, (short) 12, fetch(TOPIC));
            await(() -> ioExecutor.pending() == 1, 10_000, () -> "the fetch handed to the I/O executor");

            final ProduceResponseData.PartitionProduceResponse second = produce(producer, TOPIC, "second");

            assertEquals(Errors.NONE.code(), second.errorCode());
            assertEquals(1, ioExecutor.pending());
        }
    }

    @Test
    void shouldRunProduceOffNetworkThreadWhenTopicFlushesByMessageCount() throws Exception {
        try (RawClient producer = new RawClient(socketServer.boundPort())) {
            final RequestHeader header = producer.write(ApiKeys.PRODUCE, (short) 12, produceData(SYNCED, "synced"));
            await(() -> syncExecutor.pending() == 1, 10_000, () -> "the produce handed to the sync executor");
            assertFalse(logs.logs().stream().anyMatch(log -> log.topic().equals(SYNCED) && log.logEndOffset() > 0));

            syncExecutor.runAll();

            final ProduceResponseData response = ((ProduceResponse) AbstractResponse.parseResponse(
                ByteBuffer.wrap(producer.readFrame()), header)).data();
            assertEquals(Errors.NONE.code(), response.responses().iterator().next().partitionResponses().get(0)
                .errorCode());
        }
    }

    private static FetchRequestData fetch(final String topic) {
        final FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
            .setMaxBytes(1024 * 1024);
        final FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setTopic(topic);
        fetchTopic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
            .setPartitionMaxBytes(1024 * 1024));
        fetch.topics().add(fetchTopic);
        return fetch;
    }

    private static ProduceRequestData produceData(final String topic, final String value) {
        final MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(1000L, value.getBytes(StandardCharsets.UTF_8)));
        final ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        final ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        return data;
    }

    private static ProduceResponseData.PartitionProduceResponse produce(final RawClient client, final String topic,
                                                                        final String value) throws Exception {
        final ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, (short) 12,
            produceData(topic, value));
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }
}
