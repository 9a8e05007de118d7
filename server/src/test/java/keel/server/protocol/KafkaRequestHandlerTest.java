package keel.server.protocol;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import keel.log.Log;
import keel.server.TestBroker;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-built requests against a real broker: version negotiation, bad input, idempotent producer sequences.
 */
@Timeout(60)
class KafkaRequestHandlerTest {
    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, Map.of()).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private static ApiVersionsResponseData apiVersions(final RawClient client) throws Exception {
        return ((ApiVersionsResponse) client.send(new ApiVersionsRequest.Builder().build((short) 3))).data();
    }

    @Test
    void shouldAdvertiseProduceAndFetchRangesWhenAskedForApiVersions() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final ApiVersionsResponseData response = apiVersions(client);

            assertEquals(Errors.NONE.code(), response.errorCode());
            assertEquals(13, response.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());
            assertEquals(3, response.apiKeys().find(ApiKeys.PRODUCE.id).minVersion());
            assertEquals(18, response.apiKeys().find(ApiKeys.FETCH.id).maxVersion());
            assertEquals(null, response.apiKeys().find(ApiKeys.JOIN_GROUP.id));
        }
    }

    @Test
    void shouldAnswerV0UnsupportedVersionWithRangesWhenApiVersionsIsTooNew() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            // header v2 of ApiVersions v99: api key, version, correlation id, client id, no tagged fields; empty body
            final byte[] clientId = "future".getBytes(StandardCharsets.UTF_8);
            final ByteBuffer frame = ByteBuffer.allocate(2 + 2 + 4 + 2 + clientId.length + 1 + 3);
            frame.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(7).putShort((short) clientId.length)
                .put(clientId).put((byte) 0).put((byte) 1).put((byte) 1).put((byte) 0).flip();
            client.writeFrame(frame);

            final ByteBuffer response = ByteBuffer.wrap(client.readFrame());
            assertEquals(7, response.getInt());
            final ApiVersionsResponseData body = new ApiVersionsResponseData(new ByteBufferAccessor(response),
                (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), body.errorCode());
            assertEquals(5, body.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
        }
    }

    @Test
    void shouldCloseConnectionAndKeepServingWhenApiKeyIsUnknown() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final ByteBuffer frame = ByteBuffer.allocate(12);
            frame.putShort((short) 999).putShort((short) 0).putInt(1).putShort((short) -1).putShort((short) 0).flip();
            client.writeFrame(frame);

            assertTrue(client.isClosedByServer());
        }
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            assertEquals(Errors.NONE.code(), apiVersions(client).errorCode());
        }
    }

    @Test
    void shouldCloseConnectionWhenFrameIsGarbage() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            client.writeFrame(ByteBuffer.wrap(new byte[] {0, 0, 0}));

            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void shouldAcknowledgeDuplicateWithOriginalOffsetWithoutSecondAppend() throws Exception {
        final String topic = "idempotent";
        broker.server().topics().createTopic(topic, 1, 1, Map.of(), false);
        final Log log = broker.server().topics().topic(topic).partition(0).log();
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final long producerId = initProducerId(client);
            send(client, topic, producerId, 0, "first");
            final ProduceResponseData.PartitionProduceResponse original = send(client, topic, producerId, 1, "second");
            final long endAfterOriginal = log.logEndOffset();

            final ProduceResponseData.PartitionProduceResponse duplicate = send(client, topic, producerId, 1, "second");

            assertEquals(Errors.NONE.code(), duplicate.errorCode());
            assertEquals(original.baseOffset(), duplicate.baseOffset());
            assertEquals(endAfterOriginal, log.logEndOffset());
        }
    }

    @Test
    void shouldRefuseSequenceGapWithOutOfOrderSequence() throws Exception {
        final String topic = "sequence-gap";
        broker.server().topics().createTopic(topic, 1, 1, Map.of(), false);
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final long producerId = initProducerId(client);
            send(client, topic, producerId, 0, "first");

            final ProduceResponseData.PartitionProduceResponse gap = send(client, topic, producerId, 5, "gap");

            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), gap.errorCode());
        }
    }

    @Test
    void shouldGiveDistinctProducerIdsWhenAskedTwice() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final long first = initProducerId(client);
            final long second = initProducerId(client);

            assertTrue(second != first, first + " given twice");
        }
    }

    @Test
    void shouldRefuseAcksAllWhenInSyncReplicasAreFewerThanMinimum() throws Exception {
        final String topic = "under-replicated";
        broker.server().topics().createTopic(topic, 1, 1, Map.of("min.insync.replicas", "2"), false);
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final long producerId = initProducerId(client);

            final ProduceResponseData.PartitionProduceResponse refused = send(client, topic, producerId, 0, "v");

            assertEquals(Errors.NOT_ENOUGH_REPLICAS.code(), refused.errorCode());
            assertEquals(0, broker.server().topics().topic(topic).partition(0).log().logEndOffset());
        }
    }

    @Test
    void shouldAnswerUnknownTopicWhenMetadataMayNotCreateIt() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false);
            request.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("not-created"));

            final MetadataResponse response = (MetadataResponse) client.send(ApiKeys.METADATA, (short) 12, request);

            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.data().topics().find("not-created")
                .errorCode());
            assertEquals(null, broker.server().topics().topic("not-created"));
        }
    }

    @Test
    void shouldFreeParkedFetchWhenItsConnectionCloses() throws Exception {
        final String topic = "abandoned-fetch";
        broker.server().topics().createTopic(topic, 1, 1, Map.of(), false);
        final int parkedBefore = broker.server().parkedFetches();
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(120_000)
                .setMinBytes(1).setMaxBytes(1 << 20).setSessionEpoch(-1);
            final FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setTopic(topic);
            fetchTopic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                .setPartitionMaxBytes(1 << 20));
            fetch.topics().add(fetchTopic);
            client.write(ApiKeys.FETCH, (short) 12, fetch);
            await(() -> broker.server().parkedFetches() > parkedBefore, 20_000, () -> "fetch never parked");
        }

        await(() -> broker.server().parkedFetches() == parkedBefore, 20_000,
            () -> "fetch still parked after its connection closed: " + broker.server().parkedFetches());
    }

    private static long initProducerId(final RawClient client) throws Exception {
        final InitProducerIdResponse response = (InitProducerIdResponse) client.send(new InitProducerIdRequest
            .Builder(new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000))
            .build((short) 4));
        assertEquals(Errors.NONE.code(), response.data().errorCode());
        return response.data().producerId();
    }

    private static ProduceResponseData.PartitionProduceResponse send(final RawClient client, final String topic,
                                                                     final long producerId, final int sequence,
                                                                     final String value) throws Exception {
        final MemoryRecords records = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0,
            sequence, new SimpleRecord(1000L, value.getBytes(StandardCharsets.UTF_8)));
        final ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        final ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        final ProduceResponse response = (ProduceResponse) client.send(new ProduceRequest.Builder((short) 12,
            (short) 12, data).build((short) 12));
        final ProduceResponseData.TopicProduceResponse topicResponse = response.data().responses().iterator().next();
        final ProduceResponseData.PartitionProduceResponse partition = topicResponse.partitionResponses().get(0);
        assertNotNull(partition);
        return partition;
    }

}
