package keel.perf.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keel ({@code keel.server.KeelServer} from the source tree's build output) with a generated properties file
 * (Kafka key names) on a free 127.0.0.1 port and a fresh data directory. The classpath is the server module's
 * classes, the classes of the modules it depends on, and the third-party jars listed in the classpath file
 * {@value #CLASSPATH_FILE} that the server module's build writes. Stateless, thread-safe.
 */
public final class KeelLauncher implements ServerLauncher {

    /** The launcher's report name. */
    public static final String NAME = "keel";
    /** The main class the launcher runs; its only argument is the properties file. */
    public static final String MAIN_CLASS = "keel.server.KeelServer";
    /** The third-party runtime classpath of the server module, relative to the source tree's root. */
    public static final String CLASSPATH_FILE = "server/target/keel-server.classpath";
    private static final List<String> MODULE_CLASSES = List.of("server/target/classes",
        "replication/target/classes", "log-segment/target/classes", "index/target/classes");

    private final Path sourceRoot;

    /**
     * @param sourceRoot the root of the Keel source tree whose build output runs
     */
    public KeelLauncher(final Path sourceRoot) {
        this.sourceRoot = sourceRoot;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningServer start(final Path workDir, final ServerSettings settings)
        throws IOException, InterruptedException {
        final String classpath = classpath();
        final int port = ChildJvm.freePort();
        final Path dataDir = Files.createDirectories(workDir.resolve("data"));
        final Path config = workDir.resolve("server.properties");
        ChildJvm.writeProperties(config, serverProperties(port, dataDir));
        final Path output = workDir.resolve("server.out");
        final Process process = ChildJvm.start(ChildJvm.command(settings, classpath, MAIN_CLASS,
            List.of(config.toString())), output);
        final String bootstrap = ChildJvm.LOOPBACK + ":" + port;
        // Keel's cluster id is its own business: only a live JVM is checked.
        ChildJvm.awaitReady(NAME, process, bootstrap, output, settings.startTimeout().toMillis(), null);
        return new RunningServer(NAME, process, bootstrap, workDir, output);
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
}
