package keel.replication.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogOptions;
import keel.log.RecordBatchView;
import keel.log.RecordReader;
import keel.log.testing.ManualTime;
import keel.log.testing.TestBatches;
import keel.replication.LeaderAndIsr;
import keel.replication.Partition;
import keel.replication.PartitionStateStore;
import keel.replication.ReplicaManager;
import keel.replication.ReplicationConfig;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;

/**
 * An in-process cluster of replicas of one partition ({@code t-0}), each with a real {@link Log} in its own
 * directory and its own {@link ReplicaManager}, wired by a {@link SimulatedNetwork} and a {@link ManualScheduler}.
 * A tiny controller keeps the partition state (the "znode": leader, epoch, ISR, version) with conditional updates,
 * elects leaders from the ISR only, and tells the live nodes. Produce requests are tracked like the server's
 * purgatory does: an acks=all produce completes when {@link Partition#checkEnoughReplicasReachOffset} says so.
 * Confined to the test's thread.
 */
public final class SimulatedCluster implements AutoCloseable {
    public static final TopicPartition TP = new TopicPartition("t", 0);

    private final Path root;
    private final ManualTime time = new ManualTime(1_000_000L);
    private final ManualScheduler scheduler = new ManualScheduler(time);
    private final SimulatedNetwork network;
    private final ReplicationConfig config;
    private final int minInSyncReplicas;
    private final Map<Integer, Node> nodes = new LinkedHashMap<>();
    private final List<Integer> replicas = new ArrayList<>();
    private final List<Produce> produces = new ArrayList<>();
    private LeaderAndIsr stored;
    private boolean isrUpdatesFail;
    private long storeDelayMs = 2;
    private int valueCounter;

    /** One broker. */
    public final class Node {
        private final int id;
        private final Path dir;
        private Log log;
        private Partition partition;
        private ReplicaManager manager;
        private boolean up;

        Node(final int id) {
            this.id = id;
            this.dir = root.resolve("node-" + id).resolve(TP.toString());
        }

        public int id() {
            return id;
        }

        public Log log() {
            return log;
        }

        public Partition partition() {
            return partition;
        }

        public ReplicaManager manager() {
            return manager;
        }

        public boolean isUp() {
            return up;
        }

        void open() {
            try {
                final Map<TopicPartition, Long> hws = ReplicaManager.readHighWatermarks(dir.getParent());
                // the log's clock is the simulation's: time-based rolls follow the records' (simulated) timestamps
                log = Log.open(dir, LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 64 * 1024)
                    .with(LogConfig.SEGMENT_INDEX_BYTES_CONFIG, 64 * 1024), LogOptions.defaults().time(time)
                    .pretouchBytes(0), 0L, 0L, false);
                partition = Partition.open(log, id, hws.getOrDefault(TP, 0L), time, p -> onChange(this));
            } catch (final IOException ex) {
                throw new UncheckedIOException(ex);
            }
            manager = new ReplicaManager(id, config, scheduler, network, store);
            network.register(id, manager);
            manager.startup();
            up = true;
        }

        void close() {
            up = false;
            network.unregister(id);
            try {
                manager.checkpointHighWatermarks();
                manager.close();
                log.close();
            } catch (final IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public String toString() {
            return "Node{" + id + ", up=" + up + ", " + partition + '}';
        }
    }

    /** A produce request and its answer. */
    public static final class Produce {
        private final int node;
        private final int acks;
        private final List<String> values;
        private final int leaderEpoch;
        private final long firstOffset;
        private final long requiredOffset;
        private int errorCode = Partition.PENDING;

        Produce(final int node, final int acks, final List<String> values, final int leaderEpoch,
                final long firstOffset, final long requiredOffset) {
            this.node = node;
            this.acks = acks;
            this.values = values;
            this.leaderEpoch = leaderEpoch;
            this.firstOffset = firstOffset;
            this.requiredOffset = requiredOffset;
        }

        /**
         * @return {@link Partition#PENDING} while unanswered, else the error code sent to the producer.
         */
        public int errorCode() {
            return errorCode;
        }

        public boolean acknowledged() {
            return errorCode == ReplicationError.NONE;
        }

        public List<String> values() {
            return values;
        }

        public long firstOffset() {
            return firstOffset;
        }

        @Override
        public String toString() {
            return "Produce{node=" + node + ", acks=" + acks + ", values=" + values + ", firstOffset=" + firstOffset
                + ", error=" + (errorCode == Partition.PENDING ? "PENDING" : ReplicationError.name(errorCode)) + '}';
        }
    }

    private final PartitionStateStore store = (partition, proposed, callback) -> scheduler.schedule(() -> {
        if (isrUpdatesFail) {
            callback.onIsrUpdate(ReplicationError.NETWORK_EXCEPTION, null);
        } else if (proposed.leaderEpoch() != stored.leaderEpoch()) {
            callback.onIsrUpdate(ReplicationError.FENCED_LEADER_EPOCH, null);
        } else if (proposed.partitionEpoch() != stored.partitionEpoch()) {
            callback.onIsrUpdate(ReplicationError.INVALID_UPDATE_VERSION, null);
        } else {
            stored = new LeaderAndIsr(proposed.leader(), proposed.leaderEpoch(), proposed.isr(),
                stored.partitionEpoch() + 1);
            callback.onIsrUpdate(ReplicationError.NONE, stored);
        }
    }, storeDelayMs);

    /**
     * @param root              the directory for all nodes' data.
     * @param nodeCount         replicas, ids 1..nodeCount.
     * @param seed              the network's seed.
     * @param config            the replication settings of every node.
     * @param minInSyncReplicas min.insync.replicas.
     */
    public SimulatedCluster(final Path root, final int nodeCount, final long seed, final ReplicationConfig config,
                            final int minInSyncReplicas) {
        this.root = root;
        this.network = new SimulatedNetwork(scheduler, seed);
        this.config = config;
        this.minInSyncReplicas = minInSyncReplicas;
        for (int id = 1; id <= nodeCount; id++) {
            nodes.put(id, new Node(id));
            replicas.add(id);
        }
    }

    /**
     * Opens every node and makes node 1 the leader at epoch 0 with every replica in the ISR.
     *
     * @return this.
     */
    public SimulatedCluster start() {
        for (final Node node : nodes.values()) {
            node.open();
        }
        stored = new LeaderAndIsr(1, 0, replicas, 0);
        tellAll();
        return this;
    }

    public SimulatedNetwork network() {
        return network;
    }

    public ManualScheduler scheduler() {
        return scheduler;
    }

    public ManualTime time() {
        return time;
    }

    public Node node(final int id) {
        return nodes.get(id);
    }

    public List<Node> nodes() {
        return new ArrayList<>(nodes.values());
    }

    /**
     * @return the stored partition state (what ZooKeeper would hold).
     */
    public LeaderAndIsr state() {
        return stored;
    }

    public Node leader() {
        return stored.leader() == LeaderAndIsr.NO_LEADER ? null : nodes.get(stored.leader());
    }

    public void failIsrUpdates(final boolean fail) {
        this.isrUpdatesFail = fail;
    }

    private void tellAll() {
        for (final Node node : nodes.values()) {
            tell(node);
        }
    }

    private void tell(final Node node) {
        if (!node.up) {
            return;
        }
        if (node.id == stored.leader()) {
            node.manager.becomeLeader(node.partition, stored, replicas);
        } else {
            node.manager.becomeFollower(node.partition, stored, replicas);
        }
    }

    /**
     * The controller elects {@code newLeader} (which must be a live ISR member), bumps the epoch, keeps the live
     * ISR members and tells every live node.
     *
     * @param newLeader the new leader.
     */
    public void electLeader(final int newLeader) {
        if (!stored.isr().contains(newLeader) || !nodes.get(newLeader).up) {
            throw new IllegalArgumentException("Node " + newLeader + " is not a live ISR member of " + stored);
        }
        final List<Integer> isr = new ArrayList<>();
        for (final int member : stored.isr()) {
            if (nodes.get(member).up) {
                isr.add(member);
            }
        }
        stored = new LeaderAndIsr(newLeader, stored.leaderEpoch() + 1, isr, stored.partitionEpoch() + 1);
        tellAll();
    }

    /**
     * Elects the first live ISR member other than the current leader, if any.
     *
     * @return the new leader, or -1 when no live ISR member is left (the partition stays offline).
     */
    public int electAnotherLeader() {
        for (final int member : stored.isr()) {
            if (member != stored.leader() && nodes.get(member).up) {
                electLeader(member);
                return member;
            }
        }
        return -1;
    }

    /**
     * Stops node {@code id} (cleanly: logs closed, high watermarks checkpointed). Its unanswered produces are lost
     * connections: never acknowledged. If it led, the controller elects another live ISR member.
     *
     * @param id the node.
     */
    public void kill(final int id) {
        final Node node = nodes.get(id);
        node.close();
        for (final Produce produce : produces) {
            if (produce.node == id && produce.errorCode == Partition.PENDING) {
                produce.errorCode = ReplicationError.NETWORK_EXCEPTION;
            }
        }
        if (stored.leader() == id) {
            if (electAnotherLeader() < 0) {
                final List<Integer> isr = new ArrayList<>(stored.isr());
                stored = new LeaderAndIsr(LeaderAndIsr.NO_LEADER, stored.leaderEpoch() + 1, isr,
                    stored.partitionEpoch() + 1);
                tellAll();
            }
        }
    }

    /**
     * Reopens node {@code id}; the controller tells it the current state (and elects it if the partition has no
     * leader and it is in the ISR).
     *
     * @param id the node.
     */
    public void restart(final int id) {
        final Node node = nodes.get(id);
        node.open();
        if (stored.leader() == LeaderAndIsr.NO_LEADER && stored.isr().contains(id)) {
            stored = new LeaderAndIsr(id, stored.leaderEpoch() + 1, List.of(id), stored.partitionEpoch() + 1);
            tellAll();
        } else {
            tell(node);
        }
    }

    /**
     * Sends a produce to node {@code id} as if it were the leader.
     *
     * @param id     the node the producer believes leads.
     * @param acks   -1, 0 or 1.
     * @param values the records' values.
     * @return the tracked request (answered at once unless acks=all succeeded in appending).
     */
    public Produce produce(final int id, final int acks, final String... values) {
        final Node node = nodes.get(id);
        final ByteBuffer batch = TestBatches.batch(time.milliseconds(), values);
        final AppendResult result = new AppendResult();
        final int epoch = node.partition.leaderEpoch();
        final int code = node.up ? node.partition.tryAppendAsLeader(batch, acks, minInSyncReplicas, result)
            : ReplicationError.NETWORK_EXCEPTION;
        final Produce produce = new Produce(id, acks, List.of(values), epoch,
            code == ErrorCode.NONE ? result.firstOffset() : -1L, code == ErrorCode.NONE ? result.lastOffset() + 1 : -1L);
        produces.add(produce);
        if (code != ErrorCode.NONE || acks != -1) {
            produce.errorCode = code;
        } else {
            check(produce, node);
        }
        return produce;
    }

    /**
     * @return a fresh unique value.
     */
    public String nextValue() {
        return "v" + valueCounter++;
    }

    public List<Produce> produces() {
        return produces;
    }

    private void onChange(final Node node) {
        for (final Produce produce : produces) {
            if (produce.node == node.id && produce.errorCode == Partition.PENDING) {
                check(produce, node);
            }
        }
    }

    private void check(final Produce produce, final Node node) {
        final int code = node.partition.checkEnoughReplicasReachOffset(produce.requiredOffset, produce.leaderEpoch,
            minInSyncReplicas);
        if (code != Partition.PENDING) {
            produce.errorCode = code;
        }
    }

    /**
     * Runs the cluster for {@code ms} of simulated time.
     *
     * @param ms        how long.
     * @param afterStep an invariant check after every step, or null.
     */
    public void run(final long ms, final Runnable afterStep) {
        scheduler.advance(ms, 5_000_000, afterStep);
    }

    public void run(final long ms) {
        run(ms, null);
    }

    /**
     * @param log a log.
     * @return "offset:value" for every record from the log start to the log end.
     */
    public static List<String> records(final Log log) {
        final List<String> out = new ArrayList<>();
        final RecordBatchView view = new RecordBatchView();
        long offset = log.logStartOffset();
        try (RecordReader reader = new RecordReader()) {
            while (offset < log.logEndOffset()) {
                final ByteBuffer batches = log.readBatches(offset, 1 << 20);
                if (!batches.hasRemaining()) {
                    break;
                }
                int position = 0;
                while (position < batches.limit()) {
                    view.wrap(batches, position);
                    reader.open(view);
                    while (reader.next()) {
                        if (reader.record().offset() >= log.logStartOffset()) {
                            out.add(reader.record().offset() + ":"
                                + new String(reader.record().valueBytes(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                    offset = view.nextOffset();
                    position += view.sizeInBytes();
                }
            }
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out;
    }

    @Override
    public void close() {
        for (final Node node : nodes.values()) {
            if (node.up) {
                node.close();
            }
        }
    }

    @Override
    public String toString() {
        return "SimulatedCluster{stored=" + stored + ", nodes=" + nodes.values() + '}';
    }
}
