package keel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import keel.log.testing.Await;
import keel.server.network.SocketServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the whole broker (network and protocol layers) with at least {@link #REQUESTS} frames over a few connections:
 * valid requests with a few bytes changed, valid requests at random versions, valid headers with random bodies,
 * random bytes after a valid size prefix, unknown API keys, truncated frames and abrupt disconnects. Afterwards the
 * broker must still serve a real producer and consumer, hold no frame memory, have lost no thread and have logged no
 * ERROR (an ERROR means Keel itself failed, not the client). Seeded: the seeds are printed, and {@code
 * -Dkeel.fuzz.seed=N} replays a run.
 */
@Timeout(180)
class KeelServerFuzzTest {
    /** Frames the network layer must hand to the protocol layer before the fuzz loop stops. */
    private static final int REQUESTS = 100_000;
    private static final int WORKERS = 4;
    private static final long FUZZ_DEADLINE_MS = 90_000;
    private static final int MAX_FRAMES_PER_WRITE = 8;
    private static final long ANSWER_WAIT_MS = 20;
    private static final String TOPIC = "fuzz";

    @TempDir
    Path dataDir;

    private TestBroker broker;
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> errorAppender = new AppenderBase<>() {
        @Override
        protected void append(final ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                errors.add(event.getLoggerName() + ": " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getClassName() + ": "
                    + event.getThrowableProxy().getMessage()));
            }
        }
    };

    private static Logger handlerLogger() {
        return (Logger) LoggerFactory.getLogger("keel.server.protocol.KafkaRequestHandler");
    }

    @AfterEach
    void tearDown() throws Exception {
        handlerLogger().setLevel(null);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(errorAppender);
        errorAppender.stop();
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldKeepServingAndReleaseFrameMemoryWhenFuzzedWithRandomAndTruncatedFrames() throws Exception {
        broker = new TestBroker(dataDir, Map.of("auto.create.topics.enable", "false")).start();
        broker.server().topics().createTopic(TOPIC, 2, 1, Map.of(), false);
        final SocketServer network = broker.server().socketServer();
        final int networkThreads = network.networkThreadsAlive();
        final List<Thread> keelThreads = keelThreads();
        final List<Throwable> uncaught = new ArrayList<>();
        final Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> {
            synchronized (uncaught) {
                uncaught.add(new AssertionError("thread " + thread.getName() + " died", ex));
            }
        });
        errorAppender.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(errorAppender);
        // one WARN per hung-up connection is the broker's answer to garbage; here they would be a hundred thousand
        handlerLogger().setLevel(Level.ERROR);
        final long baseSeed = Long.getLong("keel.fuzz.seed", System.nanoTime());
        System.out.println("KeelServerFuzzTest seed " + baseSeed + " (replay with -Dkeel.fuzz.seed=" + baseSeed + ")");
        final List<Template> templates = templates();
        final long requestsBefore = network.requestsReceived();
        final long deadline = System.currentTimeMillis() + FUZZ_DEADLINE_MS;

        final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        final long[] framesWritten = new long[WORKERS];
        try {
            final List<Future<?>> results = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                final int worker = w;
                results.add(workers.submit(() -> {
                    framesWritten[worker] = new Fuzzer(new Random(baseSeed + worker), templates,
                        broker.server().boundPort()).run(
                        () -> network.requestsReceived() - requestsBefore >= REQUESTS
                            || System.currentTimeMillis() > deadline);
                    return null;
                }));
            }
            for (final Future<?> result : results) {
                result.get(FUZZ_DEADLINE_MS + 30_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            workers.shutdownNow();
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        }
        final long requests = network.requestsReceived() - requestsBefore;
        System.out.println("KeelServerFuzzTest: " + requests + " frames reached the protocol layer, "
            + java.util.Arrays.stream(framesWritten).sum() + " written, "
            + network.connectionsAccepted() + " connections");

        assertTrue(requests >= REQUESTS, "only " + requests + " frames reached the broker before the deadline, seed "
            + baseSeed);
        Await.await(() -> network.openConnections() == 0, 30_000,
            () -> network.openConnections() + " connections still open");
        Await.await(() -> network.frameMemoryInUseBytes() == 0, 30_000,
            () -> network.frameMemoryInUseBytes() + " bytes of frames still held after every connection closed, seed "
                + baseSeed);
        assertTrue(network.pooledFrameBytes() <= networkThreads * 16L * 1024 * 1024,
            () -> network.pooledFrameBytes() + " bytes pooled");
        assertEquals(0, network.handlerErrors(), "the protocol layer threw on client input, seed " + baseSeed);
        assertEquals(networkThreads, network.networkThreadsAlive());
        for (final Thread thread : keelThreads) {
            assertTrue(thread.isAlive(), thread.getName() + " died");
        }
        assertEquals(List.of(), uncaught);
        assertEquals(List.of(), List.copyOf(errors), "ERROR logged while fuzzed, seed " + baseSeed);
        assertRealClientsStillServed();
    }

    private void assertRealClientsStillServed() {
        final Properties producerProps = broker.clientProps();
        producerProps.put("key.serializer", StringSerializer.class.getName());
        producerProps.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 1, "after-" + i, "value-" + i));
            }
            producer.flush();
        }
        final Properties consumerProps = broker.clientProps();
        consumerProps.put("key.deserializer", StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", StringDeserializer.class.getName());
        final List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            final TopicPartition partition = new TopicPartition(TOPIC, 1);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && read.stream().noneMatch("after-9"::equals)) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && record.key().startsWith("after-")) {
                        read.add(record.key());
                    }
                }
            }
        }
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add("after-" + i);
        }
        assertEquals(expected, read);
    }

    private static List<Thread> keelThreads() {
        final List<Thread> threads = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet()) {
            // keel-io-N belong to a pool that lets idle threads go
            if (thread.getName().startsWith("keel-") && !thread.getName().startsWith("keel-io-")) {
                threads.add(thread);
            }
        }
        return threads;
    }

    /**
     * @return valid request frames (header and body, no size prefix) of the APIs a client uses most, at several
     *     versions each, for the topic {@link #TOPIC}.
     */
    private static List<Template> templates() {
        final List<Template> frames = new ArrayList<>();
        for (short v = 0; v <= 3; v++) {
            frames.add(frame(ApiKeys.API_VERSIONS, v, new ApiVersionsRequestData().setClientSoftwareName("fuzz")
                .setClientSoftwareVersion("1.0")));
        }
        for (final short v : new short[] {1, 4, 9, 12}) {
            final MetadataRequestData metadata = new MetadataRequestData().setAllowAutoTopicCreation(v < 4);
            metadata.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC));
            frames.add(frame(ApiKeys.METADATA, v, metadata));
        }
        for (final short v : new short[] {3, 7, 9, 12}) {
            final ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
            final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1000L, "k".getBytes(StandardCharsets
                    .UTF_8), "fuzz-value".getBytes(StandardCharsets.UTF_8)))));
            produce.topicData().add(topic);
            frames.add(frame(ApiKeys.PRODUCE, v, produce));
        }
        for (final short v : new short[] {4, 7, 11, 12}) {
            final FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(10).setMinBytes(1)
                .setMaxBytes(1024 * 1024).setIsolationLevel((byte) 0);
            final FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopic(TOPIC);
            topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                .setPartitionMaxBytes(64 * 1024).setLogStartOffset(-1).setCurrentLeaderEpoch(-1));
            fetch.topics().add(topic);
            frames.add(frame(ApiKeys.FETCH, v, fetch));
        }
        for (final short v : new short[] {1, 5, 7}) {
            final ListOffsetsRequestData list = new ListOffsetsRequestData().setReplicaId(-1);
            final ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic()
                .setName(TOPIC);
            topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                .setTimestamp(-1));
            list.topics().add(topic);
            frames.add(frame(ApiKeys.LIST_OFFSETS, v, list));
        }
        final OffsetForLeaderEpochRequestData epochs = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic epochTopic =
            new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
        epochTopic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
            .setLeaderEpoch(0).setCurrentLeaderEpoch(-1));
        epochs.topics().add(epochTopic);
        frames.add(frame(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 3, epochs));
        final DescribeConfigsRequestData configs = new DescribeConfigsRequestData();
        configs.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
            .setResourceName(TOPIC));
        frames.add(frame(ApiKeys.DESCRIBE_CONFIGS, (short) 1, configs));
        frames.add(frame(ApiKeys.DESCRIBE_CLUSTER, (short) 0, new DescribeClusterRequestData()));
        frames.add(frame(ApiKeys.INIT_PRODUCER_ID, (short) 1, new InitProducerIdRequestData().setTransactionalId(null)
            .setTransactionTimeoutMs(1000)));
        return frames;
    }

    /**
     * A valid request frame; {@code maxWaitPosition} is where a Fetch's max wait sits, else -1.
     */
    private record Template(byte[] bytes, int maxWaitPosition) {
    }

    private static Template frame(final ApiKeys api, final short version, final ApiMessage body) {
        final RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
            .setCorrelationId(1).setClientId("fuzz");
        final byte[] headerBytes = MessageUtil.toByteBufferAccessor(header, api.requestHeaderVersion(version)).buffer()
            .array();
        final byte[] bodyBytes = MessageUtil.toByteBufferAccessor(body, version).buffer().array();
        final byte[] frame = new byte[headerBytes.length + bodyBytes.length];
        System.arraycopy(headerBytes, 0, frame, 0, headerBytes.length);
        System.arraycopy(bodyBytes, 0, frame, headerBytes.length, bodyBytes.length);
        // Fetch v4-v14 starts with replica id, then max wait
        return new Template(frame, api == ApiKeys.FETCH ? headerBytes.length + 4 : -1);
    }

    /**
     * One fuzzing connection (reconnecting whenever the broker hangs up), writing batches of frames and discarding
     * whatever the broker answers. Confined to one thread.
     */
    private static final class Fuzzer {
        private final Random random;
        private final List<Template> templates;
        private final InetSocketAddress address;
        private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        private final Selector selector;
        private SocketChannel channel;
        private long framesWritten;
        /** The last frame from {@link #nextFrame()} is one the broker cannot parse whatever the random bytes. */
        private boolean hangsUp;

        Fuzzer(final Random random, final List<Template> templates, final int port) {
            this.random = random;
            this.templates = templates;
            this.address = new InetSocketAddress("127.0.0.1", port);
            try {
                this.selector = Selector.open();
            } catch (final IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        /**
         * @param done when to stop.
         * @return frames written (the broker may have hung up before reading the last of them).
         */
        long run(final BooleanSupplier done) throws IOException {
            // the bound on the loop is the caller's deadline, checked every batch
            while (!done.getAsBoolean()) {
                if (channel == null) {
                    channel = SocketChannel.open(address);
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                }
                final int maxFrames = 1 + random.nextInt(MAX_FRAMES_PER_WRITE);
                final ByteArrayOutputStream batch = new ByteArrayOutputStream();
                int frames = 0;
                hangsUp = false;
                while (frames < maxFrames && !hangsUp) {
                    // frames after one the broker surely hangs up on would never be read
                    writeFrame(batch, nextFrame());
                    frames++;
                }
                final int ending = hangsUp ? 2 : random.nextInt(20);
                if (ending == 0) {
                    // truncated: a frame's size prefix and only part of its bytes, then the connection ends
                    final byte[] frame = template();
                    final ByteArrayOutputStream sized = new ByteArrayOutputStream();
                    writeFrame(sized, frame);
                    batch.write(sized.toByteArray(), 0, 1 + random.nextInt(frame.length + 3));
                }
                if (!send(ByteBuffer.wrap(batch.toByteArray()))) {
                    reconnect(false);
                    continue;
                }
                framesWritten += frames;
                if (ending <= 1) {
                    // 0: after the truncated frame; 1: abrupt disconnect with responses still to come
                    reconnect(ending == 1);
                } else if (!awaitAnswer()) {
                    reconnect(false);
                }
            }
            reconnect(false);
            selector.close();
            return framesWritten;
        }

        private byte[] nextFrame() {
            final int kind = random.nextInt(100);
            if (kind < 15) {
                return template();
            }
            if (kind < 65) {
                // a valid request with 1 to 3 bytes changed anywhere, header included
                final Template template = templates.get(random.nextInt(templates.size()));
                final byte[] frame = template.bytes().clone();
                final int changes = 1 + random.nextInt(3);
                for (int i = 0; i < changes; i++) {
                    frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
                }
                if (template.maxWaitPosition() >= 0) {
                    // A fetch parks for its max wait. A closed connection frees its parked fetches, but one with
                    // keel.max.inflight.requests.per.connection requests parked is not read, so its end of stream
                    // is seen only when the first completes: keep the wait short so the end state comes in seconds.
                    ByteBuffer.wrap(frame).putInt(template.maxWaitPosition(), random.nextInt(500));
                }
                return frame;
            }
            if (kind < 75) {
                // a valid request claiming a random version
                final byte[] frame = template().clone();
                final short version = (short) (random.nextBoolean() ? random.nextInt(40) - 4 : random.nextInt());
                ByteBuffer.wrap(frame).putShort(2, version);
                return frame;
            }
            if (kind < 85) {
                // a valid header (api key, version, correlation id, client id) with a random body
                final byte[] template = template();
                final int headerBytes = 10 + 4;
                final byte[] frame = new byte[headerBytes + random.nextInt(160)];
                System.arraycopy(template, 0, frame, 0, Math.min(headerBytes, template.length));
                for (int i = headerBytes; i < frame.length; i++) {
                    frame[i] = (byte) random.nextInt(256);
                }
                return frame;
            }
            hangsUp = kind >= 85;
            if (kind < 95) {
                // random bytes after a valid size prefix
                final byte[] frame = new byte[random.nextInt(160)];
                random.nextBytes(frame);
                return frame;
            }
            // an API key no Kafka version defines, with a plausible header
            final byte[] frame = template().clone();
            ByteBuffer.wrap(frame).putShort(0, (short) (100 + random.nextInt(Short.MAX_VALUE - 100)));
            return frame;
        }

        private byte[] template() {
            return templates.get(random.nextInt(templates.size())).bytes();
        }

        private static void writeFrame(final ByteArrayOutputStream out, final byte[] frame) {
            out.write(frame.length >>> 24);
            out.write(frame.length >>> 16);
            out.write(frame.length >>> 8);
            out.write(frame.length);
            out.write(frame, 0, frame.length);
        }

        /**
         * Writes the whole buffer, draining responses while the socket is full.
         *
         * @return false when the broker hung up.
         */
        private boolean send(final ByteBuffer bytes) {
            try {
                for (int spins = 0; bytes.hasRemaining(); spins++) {
                    if (channel.write(bytes) == 0) {
                        if (!drain() || spins > 100_000) {
                            return false;
                        }
                        Thread.onSpinWait();
                    }
                }
                return true;
            } catch (final IOException ex) {
                return false;
            }
        }

        /**
         * Waits briefly for the broker to answer or hang up, so that this client does not run ahead writing frames
         * the broker will never read (it hangs up at the first frame it cannot parse).
         *
         * @return false when the broker hung up.
         */
        private boolean awaitAnswer() throws IOException {
            selector.select(ANSWER_WAIT_MS);
            selector.selectedKeys().clear();
            return drain();
        }

        /**
         * @return false when the broker hung up.
         */
        private boolean drain() {
            try {
                for (int i = 0; i < 64; i++) {
                    in.clear();
                    final int read = channel.read(in);
                    if (read < 0) {
                        return false;
                    }
                    if (read == 0) {
                        return true;
                    }
                }
                return true;
            } catch (final IOException ex) {
                return false;
            }
        }

        private void reconnect(final boolean reset) throws IOException {
            if (channel != null) {
                if (reset) {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                channel.close();
                channel = null;
            }
        }
    }
}
