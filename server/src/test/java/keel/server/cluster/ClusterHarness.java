package keel.server.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import keel.server.BrokerProcess;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A real cluster for tests: a ZooKeeper (curator-test's {@link TestingServer} in the test JVM, tick 500 ms so that
 * short sessions are allowed) and brokers 1..N, each {@code keel.server.KeelServer} in its own child JVM
 * ({@link BrokerProcess}) with its own data directory, an ephemeral port on 127.0.0.1 (read back from the broker's
 * registration znode), a short ZooKeeper session (a SIGKILLed broker's registration expires after
 * {@link #SESSION_TIMEOUT_MS}) and small segments. Each child's output goes to {@code broker-<id>.out} in the test's
 * directory, across restarts; {@link #printOutputs} shows their tails when a test fails.
 *
 * <p>Waits poll ZooKeeper with a deadline; while waiting, a broker that should be running but exited fails the wait
 * at once with its exit code. Confined to the test thread.
 */
final class ClusterHarness implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 4_000;
    static final long REPLICA_LAG_TIME_MAX_MS = 5_000;
    /** Generous: a broker restarted after SIGKILL waits for its old session to expire before registering. */
    static final long START_TIMEOUT_MS = 60_000;
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int TAIL_LINES = 120;

    private final Path dir;
    private final TestingServer zookeeper;
    private final CuratorFramework admin;
    private final Map<String, String> overrides;
    private final Path logback;
    private final Map<Integer, Broker> brokers = new TreeMap<>();

    private static final class Broker {
        final int id;
        final Path dataDir;
        final Path config;
        final Path output;
        BrokerProcess process;
        /** Whether the test expects the process to be running (a wait fails when it is not). */
        boolean expectedAlive;
        /** The ZooKeeper session that owned the last registration seen; a restart must register with another. */
        long lastSession;

        Broker(final int id, final Path dataDir, final Path config, final Path output) {
            this.id = id;
            this.dataDir = dataDir;
            this.config = config;
            this.output = output;
        }
    }

    private ClusterHarness(final Path dir, final TestingServer zookeeper, final CuratorFramework admin,
                           final Map<String, String> overrides, final Path logback) {
        this.dir = dir;
        this.zookeeper = zookeeper;
        this.admin = admin;
        this.overrides = overrides;
        this.logback = logback;
    }

    /**
     * Starts ZooKeeper and brokers 1..count, and waits until all are registered and one is controller.
     *
     * @param dir       the test's directory (data directories, configurations, outputs).
     * @param count     the number of brokers.
     * @param overrides broker configuration on top of the harness's defaults.
     * @return the running cluster.
     * @throws Exception if ZooKeeper or a broker cannot start.
     */
    static ClusterHarness start(final Path dir, final int count, final Map<String, String> overrides)
        throws Exception {
        final TestingServer zookeeper = new TestingServer(new InstanceSpec(dir.resolve("zookeeper").toFile(), -1, -1,
            -1, true, -1, 500, -1, Map.of(), "127.0.0.1"), true);
        CuratorFramework admin = null;
        try {
            admin = ZkTesting.client(zookeeper);
            Files.writeString(dir.resolve("logback-broker.xml"), """
                <configuration>
                  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="keel" level="INFO"/>
                  <logger name="org.apache.kafka" level="ERROR"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        } catch (final Exception | Error ex) {
            if (admin != null) {
                admin.close();
            }
            zookeeper.close();
            throw ex;
        }
        final ClusterHarness cluster = new ClusterHarness(dir, zookeeper, admin, Map.copyOf(overrides),
            dir.resolve("logback-broker.xml"));
        try {
            for (int id = 1; id <= count; id++) {
                cluster.launch(id);
            }
            for (int id = 1; id <= count; id++) {
                cluster.awaitRegistered(id);
            }
            cluster.await(() -> cluster.controllerId() > 0, START_TIMEOUT_MS, () -> "a controller");
            return cluster;
        } catch (final Exception | Error ex) {
            cluster.printOutputs(System.err);
            cluster.close();
            throw ex;
        }
    }

    private Broker broker(final int id) {
        final Broker broker = brokers.get(id);
        if (broker == null) {
            throw new IllegalArgumentException("no broker id=" + id + " in " + brokers.keySet());
        }
        return broker;
    }

    private void launch(final int id) throws IOException {
        Broker broker = brokers.get(id);
        if (broker == null) {
            final Path dataDir = dir.resolve("broker-" + id);
            final Map<String, String> props = new LinkedHashMap<>();
            props.put("broker.id", Integer.toString(id));
            props.put("listeners", "PLAINTEXT://127.0.0.1:0");
            props.put("log.dirs", dataDir.toString());
            props.put("zookeeper.connect", zookeeper.getConnectString());
            props.put("zookeeper.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
            props.put("replica.lag.time.max.ms", Long.toString(REPLICA_LAG_TIME_MAX_MS));
            props.put("log.segment.bytes", Integer.toString(256 * 1024));
            props.put("log.index.size.max.bytes", Integer.toString(64 * 1024));
            props.put("num.io.threads", "2");
            props.put("num.network.threads", "2");
            props.put("auto.create.topics.enable", "false");
            props.putAll(overrides);
            final StringBuilder text = new StringBuilder();
            props.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            final Path config = dir.resolve("broker-" + id + ".properties");
            Files.writeString(config, text.toString());
            broker = new Broker(id, dataDir, config, dir.resolve("broker-" + id + ".out"));
            brokers.put(id, broker);
        }
        if (broker.process != null && broker.process.isAlive()) {
            throw new IllegalStateException("broker id=" + id + " is already running, pid=" + broker.process.pid());
        }
        Files.writeString(broker.output, "==== start of broker " + id + " ====\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        broker.process = BrokerProcess.start(broker.config, broker.output, List.of("-Xmx256m", "-Xss512k",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=" + logback));
        broker.expectedAlive = true;
    }

    /**
     * Starts broker {@code id} (again) and waits until it is registered with a new session.
     *
     * @param id the broker.
     * @throws IOException if it cannot be started.
     */
    void start(final int id) throws IOException {
        launch(id);
        awaitRegistered(id);
    }

    /** SIGKILL (also of a stopped broker); does not wait for its registration to expire. */
    void sigkill(final int id) throws IOException {
        final Broker broker = broker(id);
        broker.expectedAlive = false;
        broker.process.sigkill();
    }

    /** SIGSTOP: the whole JVM pauses; its ZooKeeper session expires after the session timeout. */
    void sigstop(final int id) throws IOException {
        broker(id).process.sigstop();
    }

    /** SIGCONT. */
    void sigcont(final int id) throws IOException {
        broker(id).process.sigcont();
    }

    /**
     * SIGTERM (a controlled shutdown) and waits for the process to exit.
     *
     * @param id        the broker.
     * @param timeoutMs how long the shutdown may take.
     * @return the exit code.
     */
    int sigterm(final int id, final long timeoutMs) {
        final Broker broker = broker(id);
        broker.expectedAlive = false;
        broker.process.sigterm();
        if (!broker.process.waitFor(timeoutMs)) {
            throw new AssertionError("broker id=" + id + " still running " + timeoutMs + " ms after SIGTERM");
        }
        return broker.process.exitValue();
    }

    /** SIGKILL if running, then start again and wait for the new registration. */
    void restart(final int id) throws IOException {
        final Broker broker = broker(id);
        if (broker.process != null && broker.process.isAlive()) {
            sigkill(id);
        }
        start(id);
    }

    boolean isRunning(final int id) {
        final Broker broker = brokers.get(id);
        return broker != null && broker.process != null && broker.process.isAlive();
    }

    Path dataDir(final int id) {
        return broker(id).dataDir;
    }

    List<Integer> brokerIds() {
        return List.copyOf(brokers.keySet());
    }

    CuratorFramework zk() {
        return admin;
    }

    // ZooKeeper reads

    /** @return the registration of broker {@code id}, or null when it has none. */
    BrokerInfo registration(final int id) {
        try {
            return BrokerInfo.fromJson(id, admin.getData().forPath(ZkPaths.broker(id)));
        } catch (final KeeperException.NoNodeException ex) {
            return null;
        } catch (final Exception ex) {
            throw new IllegalStateException("cannot read " + ZkPaths.broker(id), ex);
        }
    }

    private long registrationSession(final int id) {
        try {
            final Stat stat = admin.checkExists().forPath(ZkPaths.broker(id));
            return stat == null ? 0 : stat.getEphemeralOwner();
        } catch (final Exception ex) {
            throw new IllegalStateException("cannot read " + ZkPaths.broker(id), ex);
        }
    }

    /** @return {@code 127.0.0.1:port,...} of every registered broker. */
    String bootstrap() {
        final List<String> endpoints = new ArrayList<>();
        for (final int id : brokers.keySet()) {
            final BrokerInfo info = registration(id);
            if (info != null) {
                endpoints.add(info.host() + ":" + info.port());
            }
        }
        if (endpoints.isEmpty()) {
            throw new IllegalStateException("no broker is registered");
        }
        return String.join(",", endpoints);
    }

    /** @return the id in {@code /controller}, or -1 when there is none. */
    int controllerId() {
        try {
            return Json.intField(Json.parseObject(admin.getData().forPath(ZkPaths.CONTROLLER)), "brokerid");
        } catch (final KeeperException.NoNodeException ex) {
            return -1;
        } catch (final Exception ex) {
            throw new IllegalStateException("cannot read " + ZkPaths.CONTROLLER, ex);
        }
    }

    /** @return the number in {@code /controller_epoch}, or 0 when there is none. */
    int controllerEpoch() {
        try {
            return Integer.parseInt(new String(admin.getData().forPath(ZkPaths.CONTROLLER_EPOCH),
                StandardCharsets.UTF_8).trim());
        } catch (final KeeperException.NoNodeException ex) {
            return 0;
        } catch (final Exception ex) {
            throw new IllegalStateException("cannot read " + ZkPaths.CONTROLLER_EPOCH, ex);
        }
    }

    /** @return the partition's state znode, or null when it has none yet. */
    LeaderAndIsr state(final String topic, final int partition) {
        return new ZkIsrStore(admin).read(topic, partition);
    }

    /** Creates a topic through ZooKeeper as the brokers' admin path does (assignment starting at broker 1). */
    TopicAssignment createTopicInZooKeeper(final String topic, final int partitions, final int replicationFactor)
        throws Exception {
        return new ZkTopicAdmin(admin).createTopic(topic, partitions, replicationFactor, 0);
    }

    /**
     * Creates a topic with a fixed assignment, whatever brokers are live (as a topic created while they were).
     *
     * @param replicas the replicas of partition {@code p} at index {@code p}.
     */
    void createTopicInZooKeeper(final String topic, final List<List<Integer>> replicas) throws Exception {
        admin.create().creatingParentContainersIfNeeded().forPath(ZkPaths.topic(topic),
            new TopicAssignment(replicas).toJson());
    }

    // Waits

    /**
     * Polls {@code condition} every 20 ms until it holds; fails after {@code timeoutMs}, or at once when a broker
     * that should be running has exited.
     */
    void await(final BooleanSupplier condition, final long timeoutMs, final Supplier<String> what) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            for (final Broker broker : brokers.values()) {
                if (broker.expectedAlive && !broker.process.isAlive()) {
                    throw new AssertionError("broker id=" + broker.id + " exited with code "
                        + broker.process.exitValue() + " while waiting for " + what.get());
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what.get());
            }
            // a poll interval, not a wait for an event we could be told of: ZooKeeper is polled
            LockSupport.parkNanos(POLL_NS);
        }
    }

    /** Waits until broker {@code id} is registered by a session other than the one its last registration had. */
    void awaitRegistered(final int id) {
        final Broker broker = broker(id);
        await(() -> {
            final long session = registrationSession(id);
            return session != 0 && session != broker.lastSession;
        }, START_TIMEOUT_MS, () -> "registration of broker " + id + " (previous session " + broker.lastSession
            + ")");
        broker.lastSession = registrationSession(id);
    }

    /** Waits until broker {@code id}'s registration is gone (its session expired or it left). */
    void awaitUnregistered(final int id) {
        await(() -> registrationSession(id) == 0, SESSION_TIMEOUT_MS * 5L,
            () -> "registration of broker " + id + " to expire");
    }

    /** Waits until the partition's state satisfies {@code check}; returns that state. */
    LeaderAndIsr awaitState(final String topic, final int partition, final Predicate<LeaderAndIsr> check,
                            final long timeoutMs, final String what) {
        final LeaderAndIsr[] last = new LeaderAndIsr[1];
        await(() -> {
            last[0] = state(topic, partition);
            return last[0] != null && check.test(last[0]);
        }, timeoutMs, () -> topic + "-" + partition + " " + what + ", last state " + last[0]);
        return last[0];
    }

    /** Waits until every partition of the topic has a live leader and an ISR of {@code isrSize}. */
    void awaitFullIsr(final String topic, final int partitions, final int isrSize, final long timeoutMs) {
        for (int p = 0; p < partitions; p++) {
            awaitState(topic, p, s -> s.leader() >= 0 && s.isr().size() == isrSize, timeoutMs,
                "leader and ISR of " + isrSize);
        }
    }

    /** @return everything broker {@code id} has printed so far, across restarts. */
    String output(final int id) {
        try {
            return Files.readString(broker(id).output, StandardCharsets.ISO_8859_1);
        } catch (final IOException ex) {
            throw new IllegalStateException("cannot read " + broker(id).output, ex);
        }
    }

    /** Waits until broker {@code id}'s output contains {@code text}. */
    void awaitOutput(final int id, final String text, final long timeoutMs) {
        await(() -> output(id).contains(text), timeoutMs, () -> "broker " + id + " to print '" + text + "'");
    }

    // Failure output

    /** Prints the last lines of every broker's output (and where the whole file is). */
    void printOutputs(final PrintStream out) {
        for (final Broker broker : brokers.values()) {
            out.println("==== broker " + broker.id + " output (last " + TAIL_LINES + " lines of " + broker.output
                + ") ====");
            try {
                final List<String> lines = Files.readAllLines(broker.output, StandardCharsets.ISO_8859_1);
                lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).forEach(out::println);
            } catch (final IOException ex) {
                out.println("(cannot read: " + ex + ")");
            }
        }
    }

    /** Kills every broker (SIGKILL, also a stopped one) and stops ZooKeeper. */
    @Override
    public void close() throws IOException {
        for (final Broker broker : brokers.values()) {
            if (broker.process != null) {
                broker.process.close();
            }
        }
        admin.close();
        zookeeper.close();
    }
}
