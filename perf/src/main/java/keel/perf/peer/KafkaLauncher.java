package keel.perf.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka (the kafka_2.13 jar on the tool's classpath) in KRaft mode: one node, or a cluster of
 * {@link ServerSettings#brokers()} nodes, each both broker and controller in its own JVM (the controller quorum is
 * all nodes, {@code controller.quorum.voters}). Each node gets a generated server.properties with 127.0.0.1
 * listeners on free ports and a fresh data directory formatted with the same cluster id by
 * {@code kafka.tools.StorageTool format} (the {@code kafka-storage.sh format} step), then runs {@code kafka.Kafka}.
 * Stateless, thread-safe.
 */
public final class KafkaLauncher implements ServerLauncher {

    /** The launcher's report name. */
    public static final String NAME = "kafka";
    private static final long FORMAT_TIMEOUT_MS = 60_000;

    private final Map<String, String> overrides;

    /** Kafka with the tool's generated configuration. */
    public KafkaLauncher() {
        this(Map.of());
    }

    /**
     * @param overrides server properties applied last to every node's server.properties (e.g.
     *                  broker.session.timeout.ms)
     */
    public KafkaLauncher(final Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningServer start(final Path workDir, final ServerSettings settings)
        throws IOException, InterruptedException {
        final int count = settings.brokers();
        final int[] ports = new int[count];
        final int[] controllerPorts = new int[count];
        final StringBuilder voters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ports[i] = ChildJvm.freePort();
            controllerPorts[i] = ChildJvm.freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append('@').append(ChildJvm.LOOPBACK).append(':')
                .append(controllerPorts[i]);
        }
        final String clusterId = Uuid.randomUuid().toString();
        final List<Path> configs = new ArrayList<>();
        final List<Path> outputs = new ArrayList<>();
        final List<Path> dataDirs = new ArrayList<>();
        final List<List<String>> formats = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final Path nodeDir = count == 1 ? workDir : Files.createDirectories(workDir.resolve(NAME + "-" + (i + 1)));
            final Path dataDir = Files.createDirectories(nodeDir.resolve("data"));
            final Path config = nodeDir.resolve("server.properties");
            final Map<String, String> props = serverProperties(i + 1, ports[i], controllerPorts[i],
                voters.toString(), dataDir, settings);
            props.putAll(overrides);
            ChildJvm.writeProperties(config, props);
            configs.add(config);
            outputs.add(nodeDir.resolve("server.out"));
            dataDirs.add(dataDir);
            formats.add(ChildJvm.command(settings, settings.classpath(), "kafka.tools.StorageTool",
                List.of("format", "--cluster-id", clusterId, "--config", config.toString(), "--ignore-formatted")));
        }
        ChildJvm.runAllToCompletion(formats, outputs, FORMAT_TIMEOUT_MS);
        // All nodes start before any is awaited: a controller quorum elects no leader until a majority runs.
        final List<Process> processes = new ArrayList<>();
        final List<List<String>> commands = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                final List<String> command = ChildJvm.command(settings, settings.classpath(), "kafka.Kafka",
                    List.of(configs.get(i).toString()));
                commands.add(command);
                processes.add(ChildJvm.start(command, outputs.get(i)));
            }
            final List<ServerNode> nodes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final String bootstrap = ChildJvm.LOOPBACK + ":" + ports[i];
                final String nodeName = count == 1 ? NAME : NAME + "-" + (i + 1);
                ChildJvm.awaitReady(nodeName, processes.get(i), bootstrap, outputs.get(i),
                    settings.startTimeout().toMillis(), clusterId, count);
                nodes.add(new ServerNode(nodeName, ServerNode.Role.BROKER, i + 1, bootstrap, dataDirs.get(i),
                    outputs.get(i), commands.get(i), clusterId, processes.get(i)));
            }
            return new RunningServer(NAME, nodes, List.of(), workDir);
        } catch (final IOException | InterruptedException | RuntimeException e) {
            for (final Process process : processes) {
                process.destroyForcibly();
            }
            throw e;
        }
    }

    static Map<String, String> serverProperties(final int nodeId, final int port, final int controllerPort,
                                                final String voters, final Path dataDir,
                                                final ServerSettings settings) {
        final String replication = Short.toString(settings.replicationFactor());
        final String minIsr = Integer.toString(settings.minInsyncReplicas());
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port + ",CONTROLLER://"
            + ChildJvm.LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + ChildJvm.LOOPBACK + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", replication);
        props.put("min.insync.replicas", minIsr);
        props.put("offsets.topic.replication.factor", replication);
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }
}
