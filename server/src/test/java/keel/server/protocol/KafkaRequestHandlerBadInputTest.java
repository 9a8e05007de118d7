package keel.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import keel.server.TestBroker;
import keel.server.network.SocketServer;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Client errors the broker must answer (or hang up on, with a word in the log) rather than die on, beyond those
 * {@link KafkaRequestHandlerTest} and the network layer's tests cover: versions outside what Keel parses for an API
 * other than ApiVersions, APIs Keel does not serve (what a consumer-group client meets), a body kafka-clients parses
 * but cannot build an error response for. (A client that disconnects while its fetch is parked:
 * {@code KafkaRequestHandlerTest}; mid-frame: the network layer's tests.)
 */
@Timeout(60)
class KafkaRequestHandlerBadInputTest {
    private static final String TOPIC = "bad-input";

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(final ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                warnings.add(event.getFormattedMessage());
            }
        }
    };

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, Map.of()).start();
        broker.server().topics().createTopic(TOPIC, 1, 1, Map.of(), false);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @BeforeEach
    void captureWarnings() {
        appender.start();
        handlerLogger().addAppender(appender);
    }

    @AfterEach
    void stopCapturing() {
        handlerLogger().detachAppender(appender);
        appender.stop();
    }

    private static Logger handlerLogger() {
        return (Logger) LoggerFactory.getLogger(KafkaRequestHandler.class);
    }

    private static ByteBuffer frame(final ApiKeys api, final short version, final short headerVersion,
                                    final ApiMessage body, final short bodyVersion) {
        final RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
            .setCorrelationId(42).setClientId("bad-input");
        final ByteBuffer head = MessageUtil.toByteBufferAccessor(header, headerVersion).buffer();
        final ByteBuffer rest = MessageUtil.toByteBufferAccessor(body, bodyVersion).buffer();
        return ByteBuffer.allocate(head.remaining() + rest.remaining()).put(head).put(rest).flip();
    }

    private static void assertStillServing() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final ApiVersionsResponse response = (ApiVersionsResponse) client.send(ApiKeys.API_VERSIONS, (short) 3,
                new ApiVersionsRequestData().setClientSoftwareName("after").setClientSoftwareVersion("1"));
            assertEquals(Errors.NONE.code(), response.data().errorCode());
        }
    }

    @Test
    void shouldCloseConnectionWithWarningWhenProduceVersionIsNewerThanKeelKnows() throws Exception {
        final short tooNew = (short) (ApiKeys.PRODUCE.latestVersion() + 1);
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            // Kafka cannot parse a body of a version it does not know, nor encode an answer in it: it hangs up too
            client.writeFrame(frame(ApiKeys.PRODUCE, tooNew, (short) 2, new ProduceRequestData().setAcks((short) 1)
                .setTimeoutMs(1000), ApiKeys.PRODUCE.latestVersion()));

            assertTrue(client.isClosedByServer());
        }
        assertTrue(warnings.stream().anyMatch(line -> line.contains("cannot parse PRODUCE v" + tooNew)),
            warnings::toString);
        assertStillServing();
    }

    @Test
    void shouldCloseConnectionWithWarningWhenFetchVersionIsOlderThanKeelParses() throws Exception {
        // Fetch v0-v3 were removed in Kafka 4.0 (KIP-896); kafka-clients 4.4 cannot parse them
        final short tooOld = (short) (ApiKeys.FETCH.oldestVersion() - 1);
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1);
            client.writeFrame(frame(ApiKeys.FETCH, tooOld, (short) 1, fetch, ApiKeys.FETCH.oldestVersion()));

            assertTrue(client.isClosedByServer());
        }
        assertTrue(warnings.stream().anyMatch(line -> line.contains("cannot parse FETCH v" + tooOld)),
            warnings::toString);
        assertStillServing();
    }

    @Test
    void shouldAnswerUnsupportedVersionWhenTxnOffsetCommitIsSent() throws Exception {
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final TxnOffsetCommitResponse response = (TxnOffsetCommitResponse) client.send(
                ApiKeys.TXN_OFFSET_COMMIT, (short) 3, new TxnOffsetCommitRequestData().setTransactionalId("txn")
                    .setGroupId("group").setProducerId(1).setProducerEpoch((short) 0).setMemberId("")
                    .setGenerationIdOrMemberEpoch(-1).setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName("topic").setPartitions(List.of(
                            new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition().setPartitionIndex(0)
                                .setCommittedOffset(1))))));

            assertEquals(Map.of(Errors.UNSUPPORTED_VERSION, 1), response.errorCounts());
        }
    }

    @Test
    void shouldCloseConnectionWithoutHandlerErrorWhenErrorResponseCannotBeBuilt() throws Exception {
        final SocketServer network = broker.server().socketServer();
        final long handlerErrorsBefore = network.handlerErrors();
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            // parses (users is nullable), but kafka-clients' getErrorResponse walks the user list
            client.writeFrame(frame(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, (short) 0, (short) 2,
                new DescribeUserScramCredentialsRequestData().setUsers(null), (short) 0));

            assertTrue(client.isClosedByServer());
        }
        assertEquals(handlerErrorsBefore, network.handlerErrors());
        assertStillServing();
    }
}
