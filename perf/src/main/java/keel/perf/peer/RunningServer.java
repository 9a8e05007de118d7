package keel.perf.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server started by a {@link ServerLauncher}: one broker JVM, or a cluster of broker JVMs plus the helper JVMs
 * it needs (Keel's ZooKeeper). CPU time and peak RSS are summed over the brokers; the helpers' are reported apart,
 * because only one of the compared servers has any (Kafka in KRaft mode runs its controllers inside the brokers).
 * Thread-safe; {@link #close()} is idempotent.
 */
public final class RunningServer implements AutoCloseable {

    private final String name;
    private final List<ServerNode> brokers;
    private final List<ServerNode> helpers;
    private final Path workDir;
    private boolean closed;

    /**
     * @param name    the launcher's name
     * @param brokers the broker JVMs, at least one
     * @param helpers helper JVMs (ZooKeeper), stopped after the brokers
     * @param workDir the server's data and configuration directory
     */
    RunningServer(final String name, final List<ServerNode> brokers, final List<ServerNode> helpers,
                  final Path workDir) {
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("a server needs a broker: name=" + name);
        }
        this.name = name;
        this.brokers = List.copyOf(brokers);
        this.helpers = List.copyOf(helpers);
        this.workDir = workDir;
    }

    /** @return the launcher's name */
    public String name() {
        return name;
    }

    /** @return bootstrap.servers: every broker's host:port, comma-separated */
    public String bootstrap() {
        final StringBuilder bootstrap = new StringBuilder();
        for (final ServerNode broker : brokers) {
            if (bootstrap.length() > 0) {
                bootstrap.append(',');
            }
            bootstrap.append(broker.address());
        }
        return bootstrap.toString();
    }

    /** @return the broker JVMs */
    public List<ServerNode> brokers() {
        return brokers;
    }

    /** @return the helper JVMs (ZooKeeper for a Keel cluster), empty when there are none */
    public List<ServerNode> helpers() {
        return helpers;
    }

    /**
     * @param id a broker's node id
     * @return that broker
     * @throws IllegalArgumentException when no broker has the id
     */
    public ServerNode broker(final int id) {
        for (final ServerNode broker : brokers) {
            if (broker.id() == id) {
                return broker;
            }
        }
        throw new IllegalArgumentException("no such broker: id=" + id + " server=" + name);
    }

    /** @return the first broker's process id (the only one of a single node) */
    public long pid() {
        return brokers.get(0).pid();
    }

    /** @return the process ids, e.g. "kafka-1=123 kafka-2=124" */
    public String pids() {
        final StringBuilder pids = new StringBuilder();
        for (final ServerNode node : nodes()) {
            if (pids.length() > 0) {
                pids.append(' ');
            }
            pids.append(node.name()).append('=').append(node.pid());
        }
        return pids.toString();
    }

    /** @return the server's data and configuration directory */
    public Path workDir() {
        return workDir;
    }

    /** @return the first broker's output file (the only one of a single node) */
    public Path outputFile() {
        return brokers.get(0).outputFile();
    }

    /** @return every JVM's output file, brokers first */
    public List<Path> outputFiles() {
        final List<Path> files = new ArrayList<>();
        for (final ServerNode node : nodes()) {
            files.add(node.outputFile());
        }
        return files;
    }

    /** @return every JVM's data directory */
    public List<Path> dataDirs() {
        final List<Path> dirs = new ArrayList<>();
        for (final ServerNode node : nodes()) {
            dirs.add(node.dataDir());
        }
        return dirs;
    }

    /** @return whether every JVM (brokers and helpers) runs */
    public boolean isAlive() {
        for (final ServerNode node : nodes()) {
            if (!node.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** @return user plus system CPU seconds of the brokers so far, or -1 when any is unknown */
    public double cpuSeconds() {
        return cpuSeconds(brokers);
    }

    /** @return user plus system CPU seconds of the helpers so far (0 without helpers), or -1 when unknown */
    public double helperCpuSeconds() {
        return cpuSeconds(helpers);
    }

    /** @return the sum of the brokers' peak resident sets in bytes, or -1 when any is unknown */
    public long peakRssBytes() {
        return peakRssBytes(brokers);
    }

    /** @return the sum of the helpers' peak resident sets in bytes (0 without helpers), or -1 when unknown */
    public long helperPeakRssBytes() {
        return peakRssBytes(helpers);
    }

    private static double cpuSeconds(final List<ServerNode> nodes) {
        double sum = 0;
        for (final ServerNode node : nodes) {
            final double seconds = node.cpuSeconds();
            if (seconds < 0) {
                return -1;
            }
            sum += seconds;
        }
        return sum;
    }

    private static long peakRssBytes(final List<ServerNode> nodes) {
        long sum = 0;
        for (final ServerNode node : nodes) {
            final long bytes = node.peakRssBytes();
            if (bytes < 0) {
                return -1;
            }
            sum += bytes;
        }
        return sum;
    }

    private List<ServerNode> nodes() {
        final List<ServerNode> nodes = new ArrayList<>(brokers);
        nodes.addAll(helpers);
        return nodes;
    }

    /**
     * Stops every JVM: SIGTERM to all brokers at once (a clean shutdown each; one at a time, a cluster's last broker
     * would wait for leaderships it cannot move), SIGKILL to any still running after a timeout, then the helpers.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll(brokers);
        stopAll(helpers);
    }

    private static void stopAll(final List<ServerNode> nodes) {
        for (final ServerNode node : nodes) {
            node.beginStop();
        }
        for (final ServerNode node : nodes) {
            node.awaitStopped();
        }
    }
}
