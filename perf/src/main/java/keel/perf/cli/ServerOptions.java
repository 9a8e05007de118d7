package keel.perf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import keel.perf.peer.KafkaLauncher;
import keel.perf.peer.KeelLauncher;
import keel.perf.peer.RunningServer;
import keel.perf.peer.ServerLauncher;
import keel.perf.peer.ServerSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Options of the commands that start servers ({@code compare}, {@code failover}): heap, JVM flags, start timeout,
 * the Keel tree; and the launchers and settings built from them.
 */
final class ServerOptions {

    @Option(names = "--heap", defaultValue = "1g", description = "-Xms and -Xmx of every broker JVM (default: "
        + "${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--server-jvm-flag", paramLabel = "FLAG",
        description = "A further JVM flag for every broker JVM (repeatable).")
    List<String> extraFlags = new ArrayList<>();

    @Option(names = "--start-timeout", defaultValue = "180s", converter = Converters.DurationNs.class,
        description = "How long a server may take to answer (default: ${DEFAULT-VALUE}).")
    long startTimeoutNs;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "A server property for every Kafka node, applied last (repeatable), e.g. "
            + "broker.session.timeout.ms=9000.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--keel-property", paramLabel = "KEY=VALUE",
        description = "A broker property for every Keel broker, applied last (repeatable), e.g. "
            + "zookeeper.session.timeout.ms=9000.")
    Map<String, String> keelProperties = new LinkedHashMap<>();

    @Option(names = "--keel-home", paramLabel = "DIR",
        description = "Keel source tree whose build runs as keel (default: the tree bin/keel-perf.sh is in).")
    Path keelHome;

    void check(final CommandLine commandLine) {
        ProducerOptions.check(commandLine, heap.matches("\\d+[kmgKMG]?"), "--heap must be like 1g or 512m: heap="
            + heap);
    }

    /**
     * @return the flags every broker JVM gets: the root pom's keel.jvm.flags, the GC flags of Kafka's start script,
     *     then {@code --server-jvm-flag}s
     */
    List<String> jvmFlags() {
        final List<String> flags = new ArrayList<>();
        final String keelFlags = System.getProperty("keel.jvm.flags", "");
        if (!keelFlags.isBlank()) {
            flags.addAll(Arrays.asList(keelFlags.trim().split("\\s+")));
        }
        flags.addAll(ServerSettings.KAFKA_SCRIPT_GC_FLAGS);
        flags.addAll(extraFlags);
        return List.copyOf(flags);
    }

    ServerSettings settings(final int brokers) {
        return new ServerSettings(ServerSettings.currentJava(), heap, jvmFlags(), System.getProperty("java.class.path"),
            Duration.ofNanos(startTimeoutNs), brokers);
    }

    /**
     * @return the launcher of {@code name}, checked to be runnable (Keel built)
     * @throws CommandLine.ParameterException when the name is neither kafka nor keel
     */
    ServerLauncher launcher(final CommandLine commandLine, final String name) throws IOException {
        final Path home = keelHome != null ? keelHome : Path.of(System.getProperty(KeelPerf.HOME_PROPERTY, "."));
        switch (name) {
            case KafkaLauncher.NAME:
                return new KafkaLauncher(kafkaProperties);
            case KeelLauncher.NAME:
                return new KeelLauncher(home, keelProperties);
            default:
                throw new CommandLine.ParameterException(commandLine, "servers are kafka or keel: server=" + name);
        }
    }

    /**
     * Fails early, before anything starts, when Keel is one of the servers and is not built.
     */
    static void checkBuilt(final List<ServerLauncher> launchers) throws IOException {
        for (final ServerLauncher launcher : launchers) {
            if (launcher instanceof KeelLauncher) {
                ((KeelLauncher) launcher).checkBuilt();
            }
        }
    }

    /**
     * Deletes a stopped server's data directories: its logs can be gigabytes after a run; its configuration and
     * output files stay.
     */
    static void deleteDataDirs(final CommandLine commandLine, final RunningServer server) {
        for (final Path data : server.dataDirs()) {
            if (!Files.isDirectory(data)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(data)) {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (final IOException | UncheckedIOException e) {
                commandLine.getErr().println("keel-perf " + commandLine.getCommandName() + ": could not delete "
                    + data + ": " + e);
            }
        }
    }
}
