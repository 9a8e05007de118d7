package keel.perf.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka (the kafka_2.13 jar on the tool's classpath) as one KRaft node that is both broker and controller:
 * a generated server.properties with 127.0.0.1 listeners on free ports, {@code kafka.tools.StorageTool format} of a
 * fresh data directory (the {@code kafka-storage.sh format} step), then {@code kafka.Kafka}. Stateless, thread-safe.
 */
public final class KafkaLauncher implements ServerLauncher {

    /** The launcher's report name. */
    public static final String NAME = "kafka";
    private static final long FORMAT_TIMEOUT_MS = 60_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningServer start(final Path workDir, final ServerSettings settings)
        throws IOException, InterruptedException {
        final int port = ChildJvm.freePort();
        final int controllerPort = ChildJvm.freePort();
        final Path dataDir = Files.createDirectories(workDir.resolve("data"));
        final Path config = workDir.resolve("server.properties");
        ChildJvm.writeProperties(config, serverProperties(port, controllerPort, dataDir));
        final Path output = workDir.resolve("server.out");
        final String clusterId = Uuid.randomUuid().toString();
        final List<String> format = ChildJvm.command(settings, settings.classpath(), "kafka.tools.StorageTool",
            List.of("format", "--cluster-id", clusterId, "--config", config.toString(),
                "--ignore-formatted"));
        ChildJvm.runToCompletion(format, output, FORMAT_TIMEOUT_MS);
        final Process process = ChildJvm.start(ChildJvm.command(settings, settings.classpath(), "kafka.Kafka",
            List.of(config.toString())), output);
        final String bootstrap = ChildJvm.LOOPBACK + ":" + port;
        ChildJvm.awaitReady(NAME, process, bootstrap, output, settings.startTimeout().toMillis(), clusterId);
        return new RunningServer(NAME, process, bootstrap, workDir, output);
    }

    static Map<String, String> serverProperties(final int port, final int controllerPort, final Path dataDir) {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + ChildJvm.LOOPBACK + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port + ",CONTROLLER://"
            + ChildJvm.LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }
}
