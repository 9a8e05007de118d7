package keel.perf.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keel ({@code keel.server.KeelServer} from the source tree's build output) with a generated properties file
 * (Kafka key names) on a free 127.0.0.1 port and a fresh data directory. The classpath is the server module's
 * classes, the classes of the modules it depends on, and the third-party jars listed in the classpath file
 * {@value #CLASSPATH_FILE} that the server module's build writes. A cluster
 * ({@link ServerSettings#brokers()} &gt; 1) is a ZooKeeper JVM ({@value #ZOOKEEPER_MAIN_CLASS} from the same
 * classpath, as {@code bin/keel-zookeeper.sh} runs it, heap {@value #ZOOKEEPER_HEAP}) and one JVM per broker with
 * {@code zookeeper.connect} and {@code broker.id} 1..n. Stateless, thread-safe.
 */
public final class KeelLauncher implements ServerLauncher {

    /** The launcher's report name. */
    public static final String NAME = "keel";
    /** The main class the launcher runs; its only argument is the properties file. */
    public static final String MAIN_CLASS = "keel.server.KeelServer";
    /** The third-party runtime classpath of the server module, relative to the source tree's root. */
    public static final String CLASSPATH_FILE = "server/target/keel-server.classpath";
    /** ZooKeeper's standalone server, the main class of Keel's ZooKeeper JVM. */
    public static final String ZOOKEEPER_MAIN_CLASS = "org.apache.zookeeper.server.ZooKeeperServerMain";
    /** ZooKeeper's heap, as bin/keel-zookeeper.sh gives it; not the brokers' heap, since Kafka has no twin of it. */
    public static final String ZOOKEEPER_HEAP = "512m";
    private static final List<String> MODULE_CLASSES = List.of("server/target/classes",
        "replication/target/classes", "log-segment/target/classes", "index/target/classes");

    private final Path sourceRoot;
    private final Map<String, String> overrides;

    /**
     * @param sourceRoot the root of the Keel source tree whose build output runs
     */
    public KeelLauncher(final Path sourceRoot) {
        this(sourceRoot, Map.of());
    }

    /**
     * @param sourceRoot the root of the Keel source tree whose build output runs
     * @param overrides  broker properties applied last to every broker's properties file (e.g.
     *                   zookeeper.session.timeout.ms)
     */
    public KeelLauncher(final Path sourceRoot, final Map<String, String> overrides) {
        this.sourceRoot = sourceRoot;
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningServer start(final Path workDir, final ServerSettings settings)
        throws IOException, InterruptedException {
        final String classpath = classpath();
        final List<ServerNode> helpers = new ArrayList<>();
        String zookeeperConnect = null;
        if (settings.brokers() > 1) {
            final ServerNode zookeeper = startZooKeeper(workDir, settings, classpath);
            helpers.add(zookeeper);
            zookeeperConnect = zookeeper.address();
        }
        final int count = settings.brokers();
        final List<Process> processes = new ArrayList<>();
        try {
            final List<ServerNode> brokers = new ArrayList<>();
            final List<String> addresses = new ArrayList<>();
            final List<Path> outputs = new ArrayList<>();
            final List<Path> dataDirs = new ArrayList<>();
            final List<List<String>> commands = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final Path nodeDir = count == 1 ? workDir : Files.createDirectories(workDir.resolve(NAME + "-"
                    + (i + 1)));
                final int port = ChildJvm.freePort();
                final Path dataDir = Files.createDirectories(nodeDir.resolve("data"));
                final Path config = nodeDir.resolve("server.properties");
                final Map<String, String> props = count == 1 ? serverProperties(port, dataDir)
                    : clusterProperties(i + 1, port, dataDir, zookeeperConnect, settings);
                props.putAll(overrides);
                ChildJvm.writeProperties(config, props);
                final Path output = nodeDir.resolve("server.out");
                final List<String> command = ChildJvm.command(settings, classpath, MAIN_CLASS,
                    List.of(config.toString()));
                processes.add(ChildJvm.start(command, output));
                addresses.add(ChildJvm.LOOPBACK + ":" + port);
                outputs.add(output);
                dataDirs.add(dataDir);
                commands.add(command);
            }
            for (int i = 0; i < count; i++) {
                final String nodeName = count == 1 ? NAME : NAME + "-" + (i + 1);
                // Keel's cluster id is its own business: only a live JVM is checked.
                ChildJvm.awaitReady(nodeName, processes.get(i), addresses.get(i), outputs.get(i),
                    settings.startTimeout().toMillis(), null, count);
                brokers.add(new ServerNode(nodeName, ServerNode.Role.BROKER, i + 1, addresses.get(i),
                    dataDirs.get(i), outputs.get(i), commands.get(i), null, processes.get(i)));
            }
            return new RunningServer(NAME, brokers, helpers, workDir);
        } catch (final IOException | InterruptedException | RuntimeException e) {
            for (final Process process : processes) {
                process.destroyForcibly();
            }
            for (final ServerNode helper : helpers) {
                helper.kill();
            }
            throw e;
        }
    }

    private static ServerNode startZooKeeper(final Path workDir, final ServerSettings settings,
                                             final String classpath) throws IOException, InterruptedException {
        final Path dir = Files.createDirectories(workDir.resolve("zookeeper"));
        final Path dataDir = Files.createDirectories(dir.resolve("data"));
        final int port = ChildJvm.freePort();
        final Path config = dir.resolve("zookeeper.properties");
        ChildJvm.writeProperties(config, zookeeperProperties(port, dataDir));
        final Path output = dir.resolve("server.out");
        final List<String> command = ChildJvm.command(settings.javaExecutable(), ZOOKEEPER_HEAP,
            List.of("-Dzookeeper.admin.enableServer=false"), classpath, ZOOKEEPER_MAIN_CLASS,
            List.of(config.toString()));
        final Process process = ChildJvm.start(command, output);
        final String address = ChildJvm.LOOPBACK + ":" + port;
        ChildJvm.awaitListening(NAME + "-zookeeper", process, address, output, settings.startTimeout().toMillis());
        return new ServerNode(NAME + "-zookeeper", ServerNode.Role.HELPER, 0, address, dataDir, output, command,
            null, process);
    }

    /**
     * Fails early, before anything else starts, when the server module is not built.
     *
     * @throws ServerStartException naming the missing files and the build command
     */
    public void checkBuilt() throws IOException {
        classpath();
    }

    /**
     * @return the classpath the server JVM runs with
     * @throws ServerStartException when the server module is not built
     */
    String classpath() throws IOException {
        final Path classpathFile = sourceRoot.resolve(CLASSPATH_FILE);
        final Path mainClass = sourceRoot.resolve("server/target/classes/" + MAIN_CLASS.replace('.', '/') + ".class");
        if (!Files.isRegularFile(classpathFile) || !Files.isRegularFile(mainClass)) {
            throw new ServerStartException("Keel server is not built: needs " + mainClass + " and " + classpathFile
                + "; run in " + sourceRoot + ": mvn -q -B -pl server -am package -DskipTests");
        }
        final StringBuilder classpath = new StringBuilder();
        for (final String classes : MODULE_CLASSES) {
            classpath.append(sourceRoot.resolve(classes)).append(':');
        }
        classpath.append(Files.readString(classpathFile, StandardCharsets.UTF_8).trim());
        return classpath.toString();
    }

    static Map<String, String> serverProperties(final int port, final Path dataDir) {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port);
        props.put("advertised.listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port);
        props.put("log.dirs", dataDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        return props;
    }

    static Map<String, String> clusterProperties(final int brokerId, final int port, final Path dataDir,
                                                 final String zookeeperConnect, final ServerSettings settings) {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("broker.id", Integer.toString(brokerId));
        props.put("listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port);
        props.put("advertised.listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port);
        props.put("log.dirs", dataDir.toString());
        props.put("zookeeper.connect", zookeeperConnect);
        props.put("num.partitions", "1");
        props.put("default.replication.factor", Short.toString(settings.replicationFactor()));
        props.put("min.insync.replicas", Integer.toString(settings.minInsyncReplicas()));
        props.put("offsets.topic.replication.factor", Short.toString(settings.replicationFactor()));
        props.put("offsets.topic.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }

    static Map<String, String> zookeeperProperties(final int port, final Path dataDir) {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("dataDir", dataDir.toString());
        props.put("clientPort", Integer.toString(port));
        props.put("clientPortAddress", ChildJvm.LOOPBACK);
        props.put("tickTime", "2000");
        // sessions of 2 to 20 ticks: Keel's default zookeeper.session.timeout.ms (18000, Kafka's) fits
        props.put("maxSessionTimeout", "40000");
        props.put("maxClientCnxns", "0");
        props.put("admin.enableServer", "false");
        return props;
    }
}
