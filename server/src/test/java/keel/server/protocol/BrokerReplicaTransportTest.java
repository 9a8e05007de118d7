package keel.server.protocol;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import keel.replication.EpochEndOffset;
import keel.replication.LeaderAndIsr;
import keel.replication.Partition;
import keel.replication.ReplicaManager;
import keel.replication.ReplicaTransport;
import keel.replication.ReplicationConfig;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;
import keel.server.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker-to-broker transport against a real leader ({@link LeaderFixture}, as {@link FollowerFetchTest} uses it)
 * for round trips and per-partition errors, and against sockets that refuse, never answer or move for the failure
 * cases.
 */
@Timeout(60)
class BrokerReplicaTransportTest {
    private static final int FOLLOWER = 2;
    private static final int UNKNOWN_BROKER = 9;
    private static final int THREADS_BROKER = 4711;
    private static final int EPOCH = 1;
    private static final int MAX_BYTES = 1 << 20;
    private static final long ANSWER_WAIT_MS = 10_000;

    @TempDir
    static Path dataDir;

    private static LeaderFixture leader;

    @BeforeAll
    static void startLeader() throws Exception {
        leader = LeaderFixture.start(dataDir);
    }

    @AfterAll
    static void stopLeader() throws Exception {
        leader.close();
    }

    @Test
    void shouldDeliverLeaderBatchesByteForByteWhenFollowerFetches() throws Exception {
        final Partition partition = leader.leaderWithFollower("transport-fetch", FOLLOWER, EPOCH);
        assertEquals(0, leader.produce("transport-fetch", (short) 1, 3));
        assertEquals(0, leader.produce("transport-fetch", (short) 1, 2));
        final ByteBuffer stored = partition.log().readBatches(0, MAX_BYTES);
        final byte[] expected = new byte[stored.remaining()];
        stored.get(expected);

        try (BrokerReplicaTransport transport = transportToLeader(30_000)) {
            final FetchAnswer answer = new FetchAnswer();
            transport.fetch(leader.brokerId(), FOLLOWER, 0, List.of(fetchFrom("transport-fetch", 0, EPOCH)), answer);

            assertEquals(ReplicationError.NONE, answer.errorCode());
            final TopicPartition tp = new TopicPartition("transport-fetch", 0);
            assertEquals(ReplicationError.NONE, answer.codes().get(tp));
            assertArrayEquals(expected, answer.records.get(tp));
        }
    }

    @Test
    void shouldAnswerLeaderEpochEndOffsetWhenFollowerAsks() throws Exception {
        leader.leaderWithFollower("transport-epoch", FOLLOWER, EPOCH);
        assertEquals(0, leader.produce("transport-epoch", (short) 1, 3));

        try (BrokerReplicaTransport transport = transportToLeader(30_000)) {
            final EpochAnswer answer = new EpochAnswer();
            transport.offsetForLeaderEpoch(leader.brokerId(), FOLLOWER, new TopicPartition("transport-epoch", 0),
                EPOCH, EPOCH, answer);

            assertEquals(new EpochEndOffset(ReplicationError.NONE, EPOCH, 3), answer.result());
        }
    }

    @Test
    void shouldDeliverEachPartitionsErrorCodeWhenLeaderRefusesSomePartitions() throws Exception {
        leader.leaderWithFollower("transport-ok", FOLLOWER, EPOCH);
        leader.leaderWithFollower("transport-stale", FOLLOWER, EPOCH);

        try (BrokerReplicaTransport transport = transportToLeader(30_000)) {
            final FetchAnswer answer = new FetchAnswer();
            transport.fetch(leader.brokerId(), FOLLOWER, 0, List.of(fetchFrom("transport-ok", 0, EPOCH),
                fetchFrom("transport-stale", 0, EPOCH - 1), fetchFrom("transport-no-such-topic", 0, EPOCH)), answer);

            assertEquals(ReplicationError.NONE, answer.errorCode());
            assertEquals(Map.of(new TopicPartition("transport-ok", 0), ReplicationError.NONE,
                new TopicPartition("transport-stale", 0), ReplicationError.FENCED_LEADER_EPOCH,
                new TopicPartition("transport-no-such-topic", 0), ReplicationError.UNKNOWN_TOPIC_OR_PARTITION),
                answer.codes());
        }
    }

    @Test
    void shouldLetRealFollowerCompleteAcksAllProduceWhenReplicaManagerFetchesThroughIt(@TempDir final Path followerDir)
        throws Exception {
        final String topic = "transport-end-to-end";
        final Partition leaderPartition = leader.leaderWithFollower(topic, FOLLOWER, EPOCH);
        final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try (TestBroker follower = new TestBroker(followerDir, Map.of("broker.id", Integer.toString(FOLLOWER)))
                .start();
             BrokerReplicaTransport transport = transportToLeader(30_000)) {
            final ReplicaManager followerReplicas = new ReplicaManager(FOLLOWER, new ReplicationConfig(),
                (task, delayMs) -> executor.schedule(task, delayMs, TimeUnit.MILLISECONDS), transport,
                (partition, proposed, callback) -> { });
            follower.server().topics().createTopic(topic, 1, 1, Map.of(), false);
            final Partition followerPartition = follower.server().topics().topic(topic).partition(0);
            final List<Integer> replicas = List.of(leader.brokerId(), FOLLOWER);
            assertEquals(ReplicationError.NONE, followerReplicas.becomeFollower(followerPartition,
                new LeaderAndIsr(leader.brokerId(), EPOCH, replicas, 0), replicas));

            // acks=all completes only once the follower has fetched past the batch: through the transport
            assertEquals(0, leader.produce(topic, (short) -1, 3));

            await(() -> followerPartition.log().logEndOffset() == 3, ANSWER_WAIT_MS,
                () -> "follower log end " + followerPartition.log().logEndOffset());
            assertEquals(leaderPartition.log().readBatches(0, MAX_BYTES),
                followerPartition.log().readBatches(0, MAX_BYTES));
            followerReplicas.close();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void shouldAnswerNetworkExceptionWhenBrokerAddressIsUnknown() throws Exception {
        try (BrokerReplicaTransport transport = transportToLeader(30_000)) {
            final FetchAnswer answer = new FetchAnswer();
            transport.fetch(UNKNOWN_BROKER, FOLLOWER, 0, List.of(fetchFrom("transport-nowhere", 0, EPOCH)), answer);

            assertEquals(ReplicationError.NETWORK_EXCEPTION, answer.errorCode());
            assertEquals(Map.of(), answer.codes());
        }
    }

    @Test
    void shouldAnswerNetworkExceptionWellBeforeTimeoutWhenNothingListens() throws Exception {
        final int port;
        try (ServerSocket closedSoon = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closedSoon.getLocalPort();
        }
        // a refused connection must not wait for the 30 s request timeout: the answer is awaited for 10 s only
        try (BrokerReplicaTransport transport = transportTo(port, 30_000)) {
            final EpochAnswer answer = new EpochAnswer();
            transport.offsetForLeaderEpoch(1, FOLLOWER, new TopicPartition("refused", 0), EPOCH, EPOCH, answer);

            assertEquals(ReplicationError.NETWORK_EXCEPTION, answer.result().errorCode());
        }
    }

    @Test
    void shouldAnswerRequestTimedOutWhenBrokerNeverAnswers() throws Exception {
        // the kernel completes the handshake into the backlog; nobody ever reads the request
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             BrokerReplicaTransport transport = transportTo(silent.getLocalPort(), 300)) {
            final FetchAnswer answer = new FetchAnswer();
            transport.fetch(1, FOLLOWER, 0, List.of(fetchFrom("silent", 0, EPOCH)), answer);

            assertEquals(ReplicationError.REQUEST_TIMED_OUT, answer.errorCode());
        }
    }

    @Test
    void shouldReconnectToNewAddressWhenBrokerRestartsOnAnotherPort(@TempDir final Path movingDir) throws Exception {
        try (TestBroker moving = new TestBroker(movingDir, Map.of()).start()) {
            final AtomicReference<InetSocketAddress> address = new AtomicReference<>(
                new InetSocketAddress("127.0.0.1", moving.server().boundPort()));
            try (BrokerReplicaTransport transport = new BrokerReplicaTransport(0, id -> address.get(), 30_000,
                "test-follower")) {
                // no such topic on the broker: UNKNOWN_TOPIC_OR_PARTITION is an answer from it, not from the transport
                assertEquals(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, askEpoch(transport).errorCode());
                moving.close();
                moving.start();
                address.set(new InetSocketAddress("127.0.0.1", moving.server().boundPort()));

                int code = askEpoch(transport).errorCode();
                // the old connection's close may not have reached us yet: then one call finds it broken
                for (int attempt = 0; attempt < 3 && code == ReplicationError.NETWORK_EXCEPTION; attempt++) {
                    code = askEpoch(transport).errorCode();
                }
                assertEquals(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, code);
            }
        }
    }

    @Test
    void shouldAnswerPendingCallsWithNetworkExceptionWhenClosed() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            final BrokerReplicaTransport transport = transportTo(silent.getLocalPort(), 30_000);
            final FetchAnswer fetch = new FetchAnswer();
            final EpochAnswer epoch = new EpochAnswer();
            transport.fetch(1, FOLLOWER, 0, List.of(fetchFrom("silent", 0, EPOCH)), fetch);
            transport.offsetForLeaderEpoch(1, FOLLOWER, new TopicPartition("silent", 0), EPOCH, EPOCH, epoch);

            transport.close();

            assertTrue(fetch.future.isDone() && epoch.future.isDone(), "close() returned before answering");
            assertEquals(ReplicationError.NETWORK_EXCEPTION, fetch.errorCode());
            assertEquals(ReplicationError.NETWORK_EXCEPTION, epoch.result().errorCode());
        }
    }

    @Test
    void shouldAnswerNetworkExceptionAtOnceWhenCalledAfterClose() throws Exception {
        final BrokerReplicaTransport transport = transportToLeader(30_000);
        transport.close();
        final EpochAnswer answer = new EpochAnswer();

        transport.offsetForLeaderEpoch(leader.brokerId(), FOLLOWER, new TopicPartition("late", 0), EPOCH, EPOCH,
            answer);

        assertTrue(answer.future.isDone(), "a call after close() must be answered inside the call");
        assertEquals(ReplicationError.NETWORK_EXCEPTION, answer.result().errorCode());
    }

    @Test
    void shouldEndItsThreadsWhenClosed() throws Exception {
        // a broker id of its own, so that the thread names are this test's only
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", leader.port());
        final BrokerReplicaTransport transport = new BrokerReplicaTransport(FOLLOWER, id -> address, 30_000,
            "test-follower");
        final EpochAnswer answer = new EpochAnswer();
        transport.offsetForLeaderEpoch(THREADS_BROKER, FOLLOWER, new TopicPartition("threads", 0), EPOCH, EPOCH,
            answer);
        answer.result();
        final FetchAnswer fetch = new FetchAnswer();
        transport.fetch(THREADS_BROKER, FOLLOWER, 0, List.of(fetchFrom("threads", 0, EPOCH)), fetch);
        fetch.errorCode();
        assertEquals(2, clientThreads(), "a fetch and an epoch connection thread");

        transport.close();

        await(() -> clientThreads() == 0, ANSWER_WAIT_MS, () -> clientThreads() + " client threads left");
    }

    private static long clientThreads() {
        final String name = "keel-replica-client-" + THREADS_BROKER;
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && (t.getName().equals(name) || t.getName().equals(name + "-epoch"))).count();
    }

    private static EpochEndOffset askEpoch(final BrokerReplicaTransport transport) throws Exception {
        final EpochAnswer answer = new EpochAnswer();
        transport.offsetForLeaderEpoch(1, FOLLOWER, new TopicPartition("moving-no-such-topic", 0), EPOCH, EPOCH,
            answer);
        return answer.result();
    }

    private static BrokerReplicaTransport transportToLeader(final int requestTimeoutMs) {
        final int leaderId = leader.brokerId();
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", leader.port());
        return new BrokerReplicaTransport(FOLLOWER, id -> id == leaderId ? address : null, requestTimeoutMs,
            "test-follower");
    }

    private static BrokerReplicaTransport transportTo(final int port, final int requestTimeoutMs) {
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        return new BrokerReplicaTransport(FOLLOWER, id -> address, requestTimeoutMs, "test-follower");
    }

    private static ReplicaTransport.FetchPartition fetchFrom(final String topic, final long offset, final int epoch) {
        return new ReplicaTransport.FetchPartition(new TopicPartition(topic, 0), offset, epoch, -1, 0, MAX_BYTES);
    }

    /** Records a fetch answer; copies the records, which are valid during the callback only. Fails on a second. */
    private static final class FetchAnswer implements ReplicaTransport.FetchCallback {
        private final CompletableFuture<Integer> future = new CompletableFuture<>();
        private final AtomicInteger calls = new AtomicInteger();
        private final Map<TopicPartition, Integer> codes = new HashMap<>();
        private final Map<TopicPartition, byte[]> records = new HashMap<>();

        @Override
        public void onFetch(final int errorCode, final Map<TopicPartition, ReplicaTransport.FetchResult> results) {
            if (calls.incrementAndGet() != 1) {
                future.obtrudeException(new AssertionError("answered twice"));
                return;
            }
            for (final Map.Entry<TopicPartition, ReplicaTransport.FetchResult> entry : results.entrySet()) {
                codes.put(entry.getKey(), entry.getValue().errorCode());
                final ByteBuffer buffer = entry.getValue().records();
                final byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                records.put(entry.getKey(), bytes);
            }
            future.complete(errorCode);
        }

        int errorCode() throws Exception {
            return future.get(ANSWER_WAIT_MS, TimeUnit.MILLISECONDS);
        }

        Map<TopicPartition, Integer> codes() throws Exception {
            errorCode();
            return codes;
        }
    }

    /** Records an OffsetForLeaderEpoch answer. Fails on a second. */
    private static final class EpochAnswer implements ReplicaTransport.EpochCallback {
        private final CompletableFuture<EpochEndOffset> future = new CompletableFuture<>();
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public void onEpochEndOffset(final EpochEndOffset result) {
            if (calls.incrementAndGet() != 1) {
                future.obtrudeException(new AssertionError("answered twice"));
                return;
            }
            future.complete(result);
        }

        EpochEndOffset result() throws Exception {
            return future.get(ANSWER_WAIT_MS, TimeUnit.MILLISECONDS);
        }
    }
}
