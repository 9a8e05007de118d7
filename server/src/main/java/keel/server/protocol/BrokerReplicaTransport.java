package keel.server.protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import keel.log.RecordBatchFormat;
import keel.log.Time;
import keel.replication.EpochEndOffset;
import keel.replication.ReplicaTransport;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker-to-broker {@link ReplicaTransport}: Fetch v12 (topics by name, {@code ReplicaId} set) and
 * OffsetForLeaderEpoch v4 to another broker, over TCP in the Kafka protocol, encoded and decoded with kafka-clients'
 * generated message classes. Thread-safe.
 *
 * <p>Connections: two per destination broker, created on first use, each with its own daemon I/O thread and queue
 * of calls; one carries Fetch, the other OffsetForLeaderEpoch. A broker answers the requests of one connection in
 * order (Keel writes responses in request order; Kafka reads the next request only after answering one), so on a
 * shared connection an OffsetForLeaderEpoch would wait behind a Fetch the leader parks for up to
 * {@code replica.fetch.wait.max.ms}; a second connection costs one socket and one mostly idle thread. Each
 * connection has one request in flight: the fetcher sends one Fetch per source at a time anyway, and
 * OffsetForLeaderEpoch calls are few (one per partition that must truncate, after a leader change) and answered at
 * once. The I/O is sequential code over a non-blocking channel and a selector, which gives exact deadlines and lets
 * {@link #close()} wake the thread.
 *
 * <p>Every call is answered exactly once, on the connection's thread (or on the caller's when the transport is
 * closed): {@link ReplicationError#NETWORK_EXCEPTION} when the address is unknown, the connection cannot be made or
 * breaks, or the answer is not a valid response; {@link ReplicationError#REQUEST_TIMED_OUT} when no answer came within
 * {@code requestTimeoutMs} of the call (the connection is then dropped, as Kafka's client does); on {@link #close()}
 * every pending call gets {@code NETWORK_EXCEPTION}. The address is looked up at each connect, so a broker that
 * restarted on a new port is found; after a failure the next connect waits {@value #RECONNECT_BACKOFF_MS} ms.
 * A connection failure is logged once per episode (until an answer comes again), never per request.
 *
 * <p>The records of a Fetch answer are slices of the connection's receive buffer, whole batches byte for byte as the
 * leader sent them; the buffer is reused for the next answer once the callback has returned (see
 * {@link ReplicaTransport.FetchResult#records()}).
 */
public final class BrokerReplicaTransport implements ReplicaTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerReplicaTransport.class);
    private static final short FETCH_VERSION = 12;
    private static final short EPOCH_VERSION = 4;
    private static final long RECONNECT_BACKOFF_MS = 100;
    /** A frame size above this is not a Kafka response (e.g. 'HTTP' read as a size is 1.2 GB). */
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;
    private static final long CLOSE_JOIN_MS = 5_000;
    private static final int READY = 0;
    private static final int TIMED_OUT = 1;
    private static final int CLOSED = 2;

    private final int localBrokerId;
    private final IntFunction<InetSocketAddress> addressOf;
    private final int requestTimeoutMs;
    private final String clientId;
    private final Time time = Time.SYSTEM;
    private final Map<Integer, Destination> destinations = new HashMap<>();
    private boolean closed;

    /**
     * Does no I/O: connections and threads are created on the first call to each broker.
     *
     * @param localBrokerId    this broker's id (in log messages).
     * @param addressOf        a broker's current address from the cluster view, or null when unknown.
     * @param requestTimeoutMs how long a call may wait for its answer ({@code replica.socket.timeout.ms}); must
     *                         exceed the Fetch {@code maxWaitMs}.
     * @param clientId         the client id of every request.
     */
    public BrokerReplicaTransport(final int localBrokerId, final IntFunction<InetSocketAddress> addressOf,
                                  final int requestTimeoutMs, final String clientId) {
        if (requestTimeoutMs <= 0) {
            throw new IllegalArgumentException("requestTimeoutMs=" + requestTimeoutMs + " must be positive");
        }
        this.localBrokerId = localBrokerId;
        this.addressOf = addressOf;
        this.requestTimeoutMs = requestTimeoutMs;
        this.clientId = clientId;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code maxWaitMs} is not below the request timeout (every parked fetch
     *                                  would time out).
     */
    @Override
    public void fetch(final int sourceBrokerId, final int replicaId, final long maxWaitMs,
                      final List<FetchPartition> partitions, final FetchCallback callback) {
        if (maxWaitMs < 0 || maxWaitMs >= requestTimeoutMs) {
            throw new IllegalArgumentException("maxWaitMs=" + maxWaitMs + " must be in [0, requestTimeoutMs="
                + requestTimeoutMs + ")");
        }
        submit(sourceBrokerId, true, new FetchCall(deadline(), replicaId, (int) maxWaitMs, partitions, callback));
    }

    @Override
    public void offsetForLeaderEpoch(final int sourceBrokerId, final int replicaId, final TopicPartition partition,
                                     final int currentLeaderEpoch, final int leaderEpoch,
                                     final EpochCallback callback) {
        submit(sourceBrokerId, false, new EpochCall(deadline(), replicaId, partition, currentLeaderEpoch, leaderEpoch,
            callback));
    }

    /**
     * Answers every pending call with {@code NETWORK_EXCEPTION}, closes the connections and waits (boundedly) for
     * the I/O threads to end. Idempotent; later calls are answered {@code NETWORK_EXCEPTION} at once.
     */
    @Override
    public void close() {
        final List<Connection> connections = new ArrayList<>();
        synchronized (destinations) {
            if (closed) {
                return;
            }
            closed = true;
            for (final Destination destination : destinations.values()) {
                connections.add(destination.fetches);
                connections.add(destination.epochs);
            }
        }
        for (final Connection connection : connections) {
            connection.close();
        }
        for (final Connection connection : connections) {
            connection.awaitExit();
        }
    }

    private long deadline() {
        return time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
    }

    private void submit(final int brokerId, final boolean fetch, final Call call) {
        final Connection connection;
        synchronized (destinations) {
            if (closed) {
                connection = null;
            } else {
                Destination destination = destinations.get(brokerId);
                if (destination == null) {
                    destination = new Destination(brokerId);
                    destinations.put(brokerId, destination);
                }
                connection = fetch ? destination.fetches : destination.epochs;
            }
        }
        if (connection == null || !connection.offer(call)) {
            answer(call, ReplicationError.NETWORK_EXCEPTION);
        }
    }

    private static void answer(final Call call, final int errorCode) {
        try {
            if (errorCode == ReplicationError.NONE) {
                call.complete();
            } else {
                call.fail(errorCode);
            }
        } catch (final RuntimeException ex) {
            // a bug in the receiver: the connection's thread must survive it to answer the other calls
            LOG.error("Replica transport callback failed for {}", call, ex);
        }
    }

    /** The two connections to one broker and its failure episode (shared: one warning when the broker goes). */
    private final class Destination {
        private final int brokerId;
        private final AtomicBoolean failing = new AtomicBoolean();
        private final Connection fetches;
        private final Connection epochs;

        Destination(final int brokerId) {
            this.brokerId = brokerId;
            this.fetches = new Connection(this, "keel-replica-client-" + brokerId);
            this.epochs = new Connection(this, "keel-replica-client-" + brokerId + "-epoch");
        }

        void onFailure(final InetSocketAddress address, final String reason) {
            if (failing.compareAndSet(false, true)) {
                LOG.warn("Broker {} cannot reach broker {} at {}: {}; retrying quietly until it answers",
                    localBrokerId, brokerId, address, reason);
            }
        }

        void onAnswer(final InetSocketAddress address) {
            if (failing.compareAndSet(true, false)) {
                LOG.info("Broker {} reaches broker {} again at {}", localBrokerId, brokerId, address);
            }
        }
    }

    /**
     * One connection to a broker, its queue of calls and the thread that runs them one at a time. The queue and
     * {@code closed} are guarded by the monitor; the channel and buffers are confined to the thread.
     */
    private final class Connection implements Runnable {
        private final Destination destination;
        private final String name;
        private final ArrayDeque<Call> queue = new ArrayDeque<>();
        private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
        private final ByteBuffer probe = ByteBuffer.allocate(1);
        private volatile boolean closed;
        private volatile Selector selector;
        private Thread thread;
        private SocketChannel channel;
        private SelectionKey key;
        private InetSocketAddress address;
        private ByteBuffer sendBuffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
        private ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);
        private long reconnectAtNs;
        private int correlationId;

        Connection(final Destination destination, final String name) {
            this.destination = destination;
            this.name = name;
        }

        /** @return false when closed (the caller answers). */
        synchronized boolean offer(final Call call) {
            if (closed) {
                return false;
            }
            if (thread == null) {
                try {
                    selector = Selector.open();
                } catch (final IOException ex) {
                    destination.onFailure(null, "cannot open a selector: " + ex);
                    return false;
                }
                thread = new Thread(this, name);
                thread.setDaemon(true);
                thread.start();
            }
            queue.add(call);
            notifyAll();
            return true;
        }

        void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            final Selector s = selector;
            if (s != null) {
                s.wakeup();
            }
        }

        void awaitExit() {
            final Thread t;
            synchronized (this) {
                t = thread;
            }
            if (t == null || t == Thread.currentThread()) {
                return;
            }
            try {
                t.join(CLOSE_JOIN_MS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try {
                Call call;
                while ((call = take()) != null) {
                    int code;
                    try {
                        code = execute(call);
                    } catch (final RuntimeException ex) {
                        // a bug (here or in addressOf): answer the call all the same and keep serving the others
                        LOG.error("Replica transport {} failed on {}", name, call, ex);
                        code = broken(ex.toString());
                    }
                    answer(call, code);
                }
            } finally {
                disconnect();
                closeQuietly(selector);
                final List<Call> left;
                synchronized (this) {
                    closed = true;
                    left = new ArrayList<>(queue);
                    queue.clear();
                }
                for (final Call call : left) {
                    answer(call, ReplicationError.NETWORK_EXCEPTION);
                }
            }
        }

        private synchronized Call take() {
            while (!closed && queue.isEmpty()) {
                try {
                    wait();
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return closed ? null : queue.poll();
        }

        /** Sends the call and reads its answer into it. @return the code to answer it with. */
        private int execute(final Call call) {
            if (time.nanoseconds() - call.deadlineNs >= 0) {
                return ReplicationError.REQUEST_TIMED_OUT;
            }
            final int connected = connect(call.deadlineNs);
            if (connected != ReplicationError.NONE) {
                return connected;
            }
            final int id = ++correlationId;
            try {
                encode(call, id);
                while (sendBuffer.hasRemaining()) {
                    if (channel.write(sendBuffer) == 0 && !await(SelectionKey.OP_WRITE, call)) {
                        return failed(call);
                    }
                }
                sizeBuffer.clear();
                if (!readFully(sizeBuffer, call)) {
                    return failed(call);
                }
                final int size = sizeBuffer.getInt(0);
                if (size < 4 || size > MAX_RESPONSE_BYTES) {
                    return broken("response size " + size + " outside [4, " + MAX_RESPONSE_BYTES + "]");
                }
                if (receiveBuffer.capacity() < size) {
                    receiveBuffer = ByteBuffer.allocateDirect(size);
                }
                receiveBuffer.clear().limit(size);
                if (!readFully(receiveBuffer, call)) {
                    return failed(call);
                }
                receiveBuffer.flip();
                final ResponseHeader header = ResponseHeader.parse(receiveBuffer,
                    call.api.responseHeaderVersion(call.version));
                if (header.correlationId() != id) {
                    return broken("correlation id " + header.correlationId() + " answers request " + id);
                }
                call.parse(new ByteBufferAccessor(receiveBuffer));
            } catch (final IOException ex) {
                return broken(ex.toString());
            } catch (final RuntimeException ex) {
                // kafka-clients' generated parsers report malformed input with runtime exceptions
                return broken("malformed " + call.api + " response: " + ex);
            }
            destination.onAnswer(address);
            return ReplicationError.NONE;
        }

        /** Makes sure a connection is open. @return NONE, or the code to answer the call with. */
        private int connect(final long deadlineNs) {
            if (channel != null && !isClosedByPeer()) {
                return ReplicationError.NONE;
            }
            disconnect();
            if (reconnectAtNs - time.nanoseconds() > 0 && !pause(Math.min(reconnectAtNs, deadlineNs))) {
                return closed ? ReplicationError.NETWORK_EXCEPTION : ReplicationError.REQUEST_TIMED_OUT;
            }
            address = resolve(addressOf.apply(destination.brokerId));
            if (address == null || address.isUnresolved()) {
                return broken("no known address");
            }
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = channel.register(selector, 0);
                if (!channel.connect(address)) {
                    while (!channel.finishConnect()) {
                        final int ready = await(SelectionKey.OP_CONNECT, deadlineNs);
                        if (ready == CLOSED) {
                            return broken("closed");
                        }
                        if (ready == TIMED_OUT) {
                            broken("connect timed out");
                            return ReplicationError.REQUEST_TIMED_OUT;
                        }
                    }
                }
                return ReplicationError.NONE;
            } catch (final IOException ex) {
                return broken(ex.toString());
            }
        }

        /** An idle connection the broker closed (restart, idle timeout) is replaced without an error. */
        private boolean isClosedByPeer() {
            try {
                probe.clear();
                final int n = channel.read(probe);
                return n != 0;
            } catch (final IOException ex) {
                return true;
            }
        }

        private void encode(final Call call, final int id) {
            final RequestHeader header = new RequestHeader(call.api, call.version, clientId, id);
            final ApiMessage body = call.request();
            final ObjectSerializationCache cache = new ObjectSerializationCache();
            final MessageSizeAccumulator size = new MessageSizeAccumulator();
            header.data().addSize(size, cache, header.headerVersion());
            body.addSize(size, cache, call.version);
            final int frameBytes = 4 + size.totalSize();
            if (sendBuffer.capacity() < frameBytes) {
                sendBuffer = ByteBuffer.allocate(frameBytes);
            }
            sendBuffer.clear();
            sendBuffer.putInt(size.totalSize());
            final ByteBufferAccessor out = new ByteBufferAccessor(sendBuffer);
            header.data().write(out, cache, header.headerVersion());
            body.write(out, cache, call.version);
            sendBuffer.flip();
        }

        private boolean readFully(final ByteBuffer buffer, final Call call) throws IOException {
            while (buffer.hasRemaining()) {
                final int n = channel.read(buffer);
                if (n < 0) {
                    throw new IOException("connection closed by the broker");
                }
                if (n == 0 && !await(SelectionKey.OP_READ, call)) {
                    return false;
                }
            }
            return true;
        }

        private boolean await(final int op, final Call call) throws IOException {
            return await(op, call.deadlineNs) == READY;
        }

        /** Waits until the channel is ready for {@code op}. @return READY, TIMED_OUT or CLOSED. */
        private int await(final int op, final long deadlineNs) throws IOException {
            key.interestOps(op);
            while (true) {
                if (closed) {
                    return CLOSED;
                }
                final long remainingNs = deadlineNs - time.nanoseconds();
                if (remainingNs <= 0) {
                    return TIMED_OUT;
                }
                final int selected = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
                selector.selectedKeys().clear();
                if (selected > 0) {
                    key.interestOps(0);
                    return READY;
                }
            }
        }

        /** Waits until {@code untilNs} unless closed. @return true when the time has come. */
        private boolean pause(final long untilNs) {
            try {
                while (!closed) {
                    final long remainingNs = untilNs - time.nanoseconds();
                    if (remainingNs <= 0) {
                        return true;
                    }
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
                    selector.selectedKeys().clear();
                }
            } catch (final IOException ex) {
                LOG.error("Selector of {} failed", name, ex);
            }
            return false;
        }

        /** The call got no answer: timed out, or the transport closed. */
        private int failed(final Call call) {
            if (closed) {
                disconnect();
                return ReplicationError.NETWORK_EXCEPTION;
            }
            // an answer may still come; only a new connection keeps the next request from reading it
            broken("no answer within " + requestTimeoutMs + " ms");
            return time.nanoseconds() - call.deadlineNs >= 0 ? ReplicationError.REQUEST_TIMED_OUT
                : ReplicationError.NETWORK_EXCEPTION;
        }

        private int broken(final String reason) {
            disconnect();
            if (!closed) {
                destination.onFailure(address, reason);
                reconnectAtNs = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_BACKOFF_MS);
            }
            return ReplicationError.NETWORK_EXCEPTION;
        }

        private void disconnect() {
            if (channel != null) {
                closeQuietly(channel);
                channel = null;
                key = null;
            }
        }
    }

    private static void closeQuietly(final AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (final Exception ex) {
            LOG.debug("Ignoring a failure to close {}", closeable, ex);
        }
    }

    private static InetSocketAddress resolve(final InetSocketAddress address) {
        if (address == null || !address.isUnresolved()) {
            return address;
        }
        return new InetSocketAddress(address.getHostString(), address.getPort());
    }

    /**
     * @return {@code records} limited to its whole batches: a Kafka leader may end a partition's records with a
     *     partial batch cut by the byte limit (Keel never does), which the follower must not append.
     */
    private static ByteBuffer wholeBatches(final ByteBuffer records) {
        int end = records.position();
        while (records.limit() - end >= RecordBatchFormat.LOG_OVERHEAD) {
            final int length = records.getInt(end + RecordBatchFormat.BATCH_LENGTH_OFFSET);
            final long next = (long) end + RecordBatchFormat.LOG_OVERHEAD + length;
            if (length < 0 || next > records.limit()) {
                break;
            }
            end = (int) next;
        }
        records.limit(end);
        return records;
    }

    /** One call: its request, its parsed answer and its callback. Owned by whoever took it from a queue. */
    private abstract static class Call {
        final long deadlineNs;
        final ApiKeys api;
        final short version;

        Call(final long deadlineNs, final ApiKeys api, final short version) {
            this.deadlineNs = deadlineNs;
            this.api = api;
            this.version = version;
        }

        abstract ApiMessage request();

        /** Reads the response body; throws a RuntimeException on malformed input. */
        abstract void parse(ByteBufferAccessor body);

        /** Answers the parsed response. */
        abstract void complete();

        abstract void fail(int errorCode);
    }

    private static final class FetchCall extends Call {
        private final int replicaId;
        private final int maxWaitMs;
        private final List<FetchPartition> partitions;
        private final FetchCallback callback;
        private int errorCode;
        private Map<TopicPartition, FetchResult> results;

        FetchCall(final long deadlineNs, final int replicaId, final int maxWaitMs,
                  final List<FetchPartition> partitions, final FetchCallback callback) {
            super(deadlineNs, ApiKeys.FETCH, FETCH_VERSION);
            this.replicaId = replicaId;
            this.maxWaitMs = maxWaitMs;
            this.partitions = partitions;
            this.callback = callback;
        }

        @Override
        ApiMessage request() {
            final Map<String, FetchRequestData.FetchTopic> topics = new HashMap<>();
            final FetchRequestData request = new FetchRequestData().setReplicaId(replicaId).setMaxWaitMs(maxWaitMs)
                .setMinBytes(1).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
            long maxBytes = 0;
            for (final FetchPartition p : partitions) {
                FetchRequestData.FetchTopic topic = topics.get(p.partition().topic());
                if (topic == null) {
                    topic = new FetchRequestData.FetchTopic().setTopic(p.partition().topic());
                    topics.put(topic.topic(), topic);
                    request.topics().add(topic);
                }
                topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(p.partition().partition())
                    .setFetchOffset(p.fetchOffset()).setCurrentLeaderEpoch(p.currentLeaderEpoch())
                    .setLastFetchedEpoch(p.lastFetchedEpoch()).setLogStartOffset(p.logStartOffset())
                    .setPartitionMaxBytes(p.maxBytes()));
                maxBytes += p.maxBytes();
            }
            // the sum of the partition limits: a smaller total would starve the partitions listed last
            return request.setMaxBytes((int) Math.min(Integer.MAX_VALUE, maxBytes));
        }

        @Override
        void parse(final ByteBufferAccessor body) {
            final FetchResponseData response = new FetchResponseData(body, FETCH_VERSION);
            errorCode = response.errorCode();
            results = new HashMap<>();
            if (errorCode != ReplicationError.NONE) {
                return;
            }
            for (final FetchResponseData.FetchableTopicResponse topic : response.responses()) {
                for (final FetchResponseData.PartitionData p : topic.partitions()) {
                    final MemoryRecords records = (MemoryRecords) p.records();
                    final ByteBuffer batches = records == null ? ByteBuffer.allocate(0)
                        : wholeBatches(records.buffer());
                    results.put(new TopicPartition(topic.topic(), p.partitionIndex()),
                        new FetchResult(p.errorCode(), p.highWatermark(), p.logStartOffset(), batches));
                }
            }
        }

        @Override
        void complete() {
            callback.onFetch(errorCode, results);
        }

        @Override
        void fail(final int code) {
            callback.onFetch(code, Map.of());
        }

        @Override
        public String toString() {
            return "Fetch" + partitions;
        }
    }

    private static final class EpochCall extends Call {
        private final int replicaId;
        private final TopicPartition partition;
        private final int currentLeaderEpoch;
        private final int leaderEpoch;
        private final EpochCallback callback;
        private EpochEndOffset result;

        EpochCall(final long deadlineNs, final int replicaId, final TopicPartition partition,
                  final int currentLeaderEpoch, final int leaderEpoch, final EpochCallback callback) {
            super(deadlineNs, ApiKeys.OFFSET_FOR_LEADER_EPOCH, EPOCH_VERSION);
            this.replicaId = replicaId;
            this.partition = partition;
            this.currentLeaderEpoch = currentLeaderEpoch;
            this.leaderEpoch = leaderEpoch;
            this.callback = callback;
        }

        @Override
        ApiMessage request() {
            final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(partition.topic());
            topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                .setPartition(partition.partition()).setCurrentLeaderEpoch(currentLeaderEpoch)
                .setLeaderEpoch(leaderEpoch));
            final OffsetForLeaderEpochRequestData request =
                new OffsetForLeaderEpochRequestData().setReplicaId(replicaId);
            request.topics().add(topic);
            return request;
        }

        @Override
        void parse(final ByteBufferAccessor body) {
            final OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData(body,
                EPOCH_VERSION);
            result = EpochEndOffset.error(ReplicationError.NETWORK_EXCEPTION);
            for (final OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topic : response.topics()) {
                for (final OffsetForLeaderEpochResponseData.EpochEndOffset p : topic.partitions()) {
                    if (topic.topic().equals(partition.topic()) && p.partition() == partition.partition()) {
                        result = new EpochEndOffset(p.errorCode(), p.leaderEpoch(), p.endOffset());
                    }
                }
            }
        }

        @Override
        void complete() {
            callback.onEpochEndOffset(result);
        }

        @Override
        void fail(final int code) {
            callback.onEpochEndOffset(EpochEndOffset.error(code));
        }

        @Override
        public String toString() {
            return "OffsetForLeaderEpoch{" + partition + ", leaderEpoch=" + leaderEpoch + '}';
        }
    }
}
