package keel.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import keel.log.LogConfig;
import keel.log.LogManager;
import keel.log.LogManagerOptions;
import keel.log.Time;
import keel.replication.DelayedOperationPurgatory;
import keel.replication.Partition;
import keel.replication.PartitionStateStore;
import keel.replication.ReplicaManager;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;
import keel.server.group.GroupCoordinator;
import keel.server.group.ScheduledTimer;
import keel.server.cluster.ClusterCoordinator;
import keel.server.metadata.ClusterView;
import keel.server.metadata.MetaProperties;
import keel.server.metadata.ProducerIdManager;
import keel.server.metadata.TopicCommands;
import keel.server.metadata.TopicManager;
import keel.server.network.SocketServer;
import keel.server.protocol.BrokerReplicaTransport;
import keel.server.protocol.BrokerServices;
import keel.server.protocol.KafkaRequestHandler;
import keel.server.protocol.RequestVersions;
import keel.server.protocol.OffsetsTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka-compatible broker: the data directory's logs ({@link LogManager}), topics and partitions
 * ({@link TopicManager}), the purgatories of parked requests, the protocol handler and the {@link SocketServer}.
 *
 * <p>Start: {@link #start(KeelConfig)}; stop: {@link #close()}, which answers parked requests, stops the network
 * layer, and closes the logs cleanly (flush, trimmed files, the clean-shutdown marker). {@link #main} runs it in the
 * foreground and closes it on SIGTERM. Thread-safe.
 */
public final class KeelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeelServer.class);
    /** How long a controlled shutdown waits for the controller to move this broker's leaderships. */
    private static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 30_000;
    /** How long a topic change in a cluster waits for the controller's states to reach this broker. */
    private static final long TOPIC_CHANGE_TIMEOUT_MS = 30_000;

    private final KeelConfig config;
    private final LogManager logs;
    private final TopicManager topics;
    private final DelayedOperationPurgatory producePurgatory;
    private final DelayedOperationPurgatory fetchPurgatory;
    private final ExecutorService blockingExecutor;
    private final SocketServer socketServer;
    private final String clusterId;
    private final Groups groups;
    private final ClusterCoordinator cluster;
    private final Replication replication;
    private final RequestVersions requestVersions;
    private boolean closed;

    private KeelServer(final KeelConfig config, final LogManager logs, final TopicManager topics,
                       final DelayedOperationPurgatory producePurgatory,
                       final DelayedOperationPurgatory fetchPurgatory, final ExecutorService blockingExecutor,
                       final SocketServer socketServer, final String clusterId, final Groups groups,
                       final ClusterCoordinator cluster, final Replication replication,
                       final RequestVersions requestVersions) {
        this.config = config;
        this.logs = logs;
        this.topics = topics;
        this.producePurgatory = producePurgatory;
        this.fetchPurgatory = fetchPurgatory;
        this.blockingExecutor = blockingExecutor;
        this.socketServer = socketServer;
        this.clusterId = clusterId;
        this.groups = groups;
        this.cluster = cluster;
        this.replication = replication;
        this.requestVersions = requestVersions;
    }

    /**
     * A broker's replication in a cluster: the replica manager, the connections to the other brokers and the
     * scheduler of fetch back-offs and periodic tasks, closed in that order (the high watermarks checkpointed last).
     */
    private record Replication(ReplicaManager manager, BrokerReplicaTransport transport,
                               ScheduledExecutorService scheduler) {
        void close() {
            manager.close();
            transport.close();
            scheduler.shutdownNow();
            try {
                manager.checkpointHighWatermarks();
            } catch (final IOException ex) {
                LOG.warn("Cannot write the high-watermark checkpoints at shutdown: {}", ex.toString());
            }
        }
    }

    /** The group coordinator, its timer thread and the offsets topic's loader, closed in that order. */
    private record Groups(GroupCoordinator coordinator, ScheduledTimer timer, OffsetsTopic offsetsTopic) {
        void close() {
            offsetsTopic.close();
            coordinator.close();
            timer.close();
        }
    }

    /**
     * Opens the data directory (recovering after a crash), loads the topics and starts listening.
     *
     * @param config the configuration.
     * @return the running broker.
     * @throws IOException if the data directory cannot be opened or the listener cannot be bound.
     */
    public static KeelServer start(final KeelConfig config) throws IOException {
        for (final String key : config.unknownKeys()) {
            LOG.warn("Ignoring unknown configuration key {}={}", key, config.originals().get(key));
        }
        final Path dataDir = config.logDir();
        Files.createDirectories(dataDir);
        final String localClusterId = MetaProperties.readOrCreate(dataDir, config.brokerId());
        final LogConfig defaults = config.defaultLogConfig();
        final Map<String, LogConfig> topicConfigs = TopicManager.readLogConfigs(dataDir, defaults);
        final LogManagerOptions options = LogManagerOptions.defaults()
            .retentionCheckIntervalMs(config.retentionCheckIntervalMs())
            .flushSchedulerIntervalMs(config.flushSchedulerIntervalMs())
            .checkpointIntervalMs(config.checkpointIntervalMs())
            .minFreeBytes(config.minFreeBytes())
            .topicConfigs((topic, base) -> topicConfigs.getOrDefault(topic, base));
        final LogManager logs = LogManager.open(dataDir, defaults, options);
        final DelayedOperationPurgatory producePurgatory = new DelayedOperationPurgatory("produce");
        final DelayedOperationPurgatory fetchPurgatory = new DelayedOperationPurgatory("fetch");
        final Partition.Listener partitionListener = partition -> {
            producePurgatory.checkAndComplete(partition);
            fetchPurgatory.checkAndComplete(partition);
        };
        final boolean clustered = config.zookeeperConnect() != null;
        ExecutorService blocking = null;
        Groups groups = null;
        ClusterCoordinator cluster = null;
        Replication replication = null;
        String clusterId = localClusterId;
        try {
            final TopicManager topics;
            final AtomicReference<ClusterCoordinator> joined = new AtomicReference<>();
            if (clustered) {
                final Map<TopicPartition, Long> highWatermarks = ReplicaManager.readHighWatermarks(dataDir);
                topics = TopicManager.loadForCluster(logs, defaults, config.brokerId(), config.numPartitions(),
                    config.defaultReplicationFactor(), config.minInSyncReplicas(), partitionListener,
                    log -> Partition.open(log, config.brokerId(), highWatermarks.getOrDefault(
                        new TopicPartition(log.topic(), log.partition()), 0L), Time.SYSTEM, partitionListener));
                replication = newReplication(config, joined);
            } else {
                topics = TopicManager.load(logs, defaults, config.brokerId(), config.numPartitions(),
                    config.defaultReplicationFactor(), config.minInSyncReplicas(), partitionListener);
            }
            final ProducerIdManager producerIds;
            blocking = newBlockingExecutor(config.numIoThreads());
            final AtomicInteger boundPort = new AtomicInteger(config.listenerPort());
            final int advertisedPort = config.advertisedPort();
            final Map<String, String> brokerConfigs = new LinkedHashMap<>(config.originals());
            final ScheduledTimer groupTimer = new ScheduledTimer("keel-group-timer");
            final GroupCoordinator coordinator = new GroupCoordinator(config.groupConfig(), Time.SYSTEM, groupTimer);
            final TopicCommands topicCommands;
            final ClusterView view;
            if (!clustered) {
                producerIds = ProducerIdManager.open(dataDir);
                topicCommands = topics;
                groups = new Groups(coordinator, groupTimer, new OffsetsTopic(topics, topicCommands,
                    coordinator, config.groupConfig(), 1, producePurgatory));
                view = ClusterView.singleNode(() -> new ClusterView.Node(config.brokerId(), config.advertisedHost(),
                    advertisedPort != 0 ? advertisedPort : boundPort.get(), config.brokerRack()), topics);
                // loads run on the offsets topic's loader thread; requests meanwhile answer
                // COORDINATOR_LOAD_IN_PROGRESS
                groups.offsetsTopic().startup();
            } else {
                final AtomicReference<OffsetsTopic> offsets = new AtomicReference<>();
                final ClusterPartitions partitions = new ClusterPartitions(config.brokerId(), topics,
                    replication.manager(), new ClusterPartitions.Hook() {
                        @Override
                        public void onLeadership(final TopicPartition partition, final Partition replica,
                                                 final boolean leader) {
                            final OffsetsTopic topic = offsets.get();
                            if (topic != null && OffsetsTopic.NAME.equals(partition.topic())) {
                                topic.onLeadership(partition.partition(), replica, leader);
                            }
                        }

                        @Override
                        public void onStopped(final TopicPartition partition) {
                            final OffsetsTopic topic = offsets.get();
                            if (topic != null && OffsetsTopic.NAME.equals(partition.topic())) {
                                topic.onLeadership(partition.partition(), null, false);
                            }
                        }
                    });
                cluster = ClusterCoordinator.connect(config.zookeeperConnect(), config.zookeeperSessionTimeoutMs(),
                    config.zookeeperConnectionTimeoutMs(), config.brokerId(), config.uncleanLeaderElection(),
                    partitions, Time.SYSTEM);
                joined.set(cluster);
                producerIds = new ProducerIdManager(cluster.producerIdBlocks());
                topicCommands = cluster.topicCommands(topics, TOPIC_CHANGE_TIMEOUT_MS);
                groups = new Groups(coordinator, groupTimer, new OffsetsTopic(topics, topicCommands, coordinator,
                    config.groupConfig(), config.offsetsTopicReplicationFactor(), producePurgatory));
                offsets.set(groups.offsetsTopic());
                view = cluster.view();
                clusterId = cluster.clusterId(localClusterId);
                if (!clusterId.equals(localClusterId)) {
                    LOG.info("Broker {} joins cluster {} (its data directory was created with id {})",
                        config.brokerId(), clusterId, localClusterId);
                }
            }
            coordinator.start();
            final BrokerServices services = new BrokerServices(topics, topicCommands, producerIds, producePurgatory,
                fetchPurgatory, blocking, clusterId, config.advertisedHost(),
                () -> advertisedPort != 0 ? advertisedPort : boundPort.get(), config.autoCreateTopics(),
                config.deleteTopicEnable(), brokerConfigs, coordinator, groups.offsetsTopic(), view);
            final KafkaRequestHandler handler = new KafkaRequestHandler(services);
            final SocketServer socketServer = SocketServer.open(config.networkConfig(), handler);
            boundPort.set(socketServer.boundPort());
            if (cluster != null) {
                cluster.join(config.advertisedHost(), advertisedPort != 0 ? advertisedPort : boundPort.get(),
                    config.brokerRack());
            }
            LOG.info("Keel broker {} started: cluster {}, {} topics in {}, listening on port {}", config.brokerId(),
                clusterId, topics.topics().size(), dataDir.toAbsolutePath().normalize(), socketServer.boundPort());
            return new KeelServer(config, logs, topics, producePurgatory, fetchPurgatory, blocking, socketServer,
                clusterId, groups, cluster, replication, handler.versions());
        } catch (final IOException | RuntimeException ex) {
            if (groups != null) {
                groups.close();
            }
            if (replication != null) {
                replication.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            producePurgatory.close();
            fetchPurgatory.close();
            if (blocking != null) {
                blocking.shutdownNow();
            }
            logs.close();
            throw ex;
        }
    }

    /**
     * The replica manager of a broker in a cluster. It is made before the ZooKeeper session (the session's view
     * delivers partition states to it at once); its ISR store and the other brokers' addresses come from the
     * session once it exists ({@code joined}): an ISR change proposed before that fails and is retried.
     */
    private static Replication newReplication(final KeelConfig config,
                                              final AtomicReference<ClusterCoordinator> joined) {
        final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = new Thread(runnable, "keel-replica-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        final BrokerReplicaTransport transport = new BrokerReplicaTransport(config.brokerId(), brokerId -> {
            final ClusterCoordinator cluster = joined.get();
            if (cluster == null) {
                return null;
            }
            for (final ClusterView.Node node : cluster.view().brokers()) {
                if (node.id() == brokerId) {
                    return new InetSocketAddress(node.host(), node.port());
                }
            }
            return null;
        }, config.replicaSocketTimeoutMs(), "keel-replica-" + config.brokerId());
        final AtomicReference<PartitionStateStore> store = new AtomicReference<>();
        final PartitionStateStore deferredStore = (partition, proposed, callback) -> {
            PartitionStateStore target = store.get();
            if (target == null && joined.get() != null) {
                target = joined.get().partitionStateStore();
                store.compareAndSet(null, target);
            }
            if (target == null) {
                callback.onIsrUpdate(ReplicationError.NETWORK_EXCEPTION, null);
            } else {
                target.tryUpdateIsr(partition, proposed, callback);
            }
        };
        final ReplicaManager manager = new ReplicaManager(config.brokerId(), config.replicationConfig(),
            (task, delayMs) -> {
                try {
                    scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
                } catch (final RejectedExecutionException ex) {
                    // shutting down: the task is dropped with the scheduler
                }
            }, transport, deferredStore);
        manager.startup();
        return new Replication(manager, transport, scheduler);
    }

    private static ExecutorService newBlockingExecutor(final int threads) {
        final AtomicInteger count = new AtomicInteger();
        final ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                final Thread thread = new Thread(runnable, "keel-io-" + count.getAndIncrement());
                thread.setDaemon(true);
                return thread;
            });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * @return the port the listener is bound to.
     */
    public int boundPort() {
        return socketServer.boundPort();
    }

    public KeelConfig config() {
        return config;
    }

    public String clusterId() {
        return clusterId;
    }

    /**
     * @return the network layer (its counters and frame-memory figures, for tests and monitoring).
     */
    public SocketServer socketServer() {
        return socketServer;
    }

    /**
     * @return the topics (for tests and embedders).
     */
    public TopicManager topics() {
        return topics;
    }

    /**
     * @return the long-poll fetches parked now (a fetch watching several partitions counts once per partition).
     */
    public int parkedFetches() {
        return fetchPurgatory.watched();
    }

    /**
     * @return the API versions clients have sent since start (for tests).
     */
    public RequestVersions requestVersions() {
        return requestVersions;
    }

    /**
     * @return the consumer group coordinator (for tests and benchmarks).
     */
    public GroupCoordinator groupCoordinator() {
        return groups.coordinator();
    }

    /**
     * @return true once {@code __consumer_offsets} exists and every partition of it is loaded.
     */
    public boolean offsetsLoaded() {
        return groups.offsetsTopic().exists() && groups.offsetsTopic().isLoaded();
    }

    /**
     * Shuts down cleanly: parked requests are answered, the blocking executor drains, the network layer closes every
     * connection, and the logs close with the clean-shutdown marker. Idempotent.
     *
     * @throws IOException if the logs cannot be closed cleanly (the next start then recovers).
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Keel broker {} shutting down", config.brokerId());
        // 0. in a cluster, first let the controller move this broker's leaderships away (controlled shutdown)
        if (cluster != null && config.controlledShutdown()) {
            cluster.controlledShutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
        }
        // 1. answer parked requests while connections are still open (parked joins and syncs: NOT_COORDINATOR)
        groups.close();
        producePurgatory.close();
        fetchPurgatory.close();
        // 2. let running admin requests finish
        blockingExecutor.shutdown();
        try {
            if (!blockingExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                blockingExecutor.shutdownNow();
            }
        } catch (final InterruptedException ex) {
            blockingExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // 3. stop the network layer: no request reaches the logs any more
        socketServer.close();
        // 4. stop following, then checkpoint the high watermarks
        if (replication != null) {
            replication.close();
        }
        // 5. flush, trim, checkpoints and the clean-shutdown marker
        logs.close();
        // 6. leave the cluster: the registration goes, and another broker becomes controller if this one was
        if (cluster != null) {
            cluster.close();
        }
        LOG.info("Keel broker {} shut down cleanly", config.brokerId());
    }

    /**
     * Runs the broker in the foreground: {@code CONFIG [--override key=value]...}. SIGTERM (or Ctrl-C) shuts it
     * down cleanly. Exits with 1 on a bad configuration or a failed start, 2 on bad arguments.
     *
     * @param args the properties file, then overrides.
     */
    public static void main(final String[] args) {
        final PrintStream err = System.err;
        if (args.length < 1 || args[0].startsWith("-")) {
            err.println("Usage: keel-server.sh CONFIG [--override key=value]...");
            System.exit(2);
        }
        final Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            final String value = "--override".equals(args[i]) && i + 1 < args.length ? args[++i] : null;
            final int eq = value == null ? -1 : value.indexOf('=');
            if (eq <= 0) {
                err.println("keel-server: expected --override key=value, got " + String.join(" ",
                    java.util.Arrays.copyOfRange(args, i, args.length)));
                System.exit(2);
            }
            overrides.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
        }
        final KeelServer server;
        try {
            server = start(KeelConfig.load(Path.of(args[0]), overrides));
        } catch (final IllegalArgumentException ex) {
            // a configuration error: the message names the key, the value and the allowed range
            err.println("keel-server: cannot start: " + ex.getMessage());
            System.exit(1);
            return;
        } catch (final IOException ex) {
            LOG.error("Cannot start: {}", ex.getMessage(), ex);
            System.exit(1);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (final IOException | RuntimeException ex) {
                LOG.error("Shutdown was not clean; the next start recovers the logs", ex);
            } finally {
                stopped.countDown();
            }
        }, "keel-shutdown"));
        try {
            stopped.await();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
