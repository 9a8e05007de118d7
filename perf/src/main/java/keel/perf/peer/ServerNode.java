package keel.perf.peer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of a {@link RunningServer}: a broker (with its node id and client address) or a helper process such as
 * Keel's ZooKeeper. Keeps its command line, so a broker killed on purpose (the failover measurement) can be started
 * again with the same configuration and data directory. Thread-safe.
 */
public final class ServerNode {

    /** What a node is to its server. */
    public enum Role {
        /** Answers Kafka clients; counted in the server's CPU and RSS. */
        BROKER,
        /** A process the brokers need but clients never talk to (ZooKeeper); counted apart. */
        HELPER
    }

    private static final long STOP_TIMEOUT_SEC = 20;

    private final String name;
    private final Role role;
    private final int id;
    private final String address;
    private final Path dataDir;
    private final Path outputFile;
    private final List<String> command;
    private final String expectedClusterId;
    private Process process;

    /**
     * @param name              e.g. "kafka-2" or "keel-zookeeper", for messages
     * @param role              broker or helper
     * @param id                the broker's node id; 0 for a helper
     * @param address           host:port clients (brokers) or brokers (ZooKeeper) connect to
     * @param dataDir           the node's data directory, deleted after a run
     * @param outputFile        the JVM's stdout and stderr
     * @param command           the command line that started it, used again by {@link #restart}
     * @param expectedClusterId the cluster id a broker must answer with, or null when not checked
     * @param process           the running JVM
     */
    ServerNode(final String name, final Role role, final int id, final String address, final Path dataDir,
               final Path outputFile, final List<String> command, final String expectedClusterId,
               final Process process) {
        this.name = name;
        this.role = role;
        this.id = id;
        this.address = address;
        this.dataDir = dataDir;
        this.outputFile = outputFile;
        this.command = List.copyOf(command);
        this.expectedClusterId = expectedClusterId;
        this.process = process;
    }

    /** @return e.g. "kafka-2" */
    public String name() {
        return name;
    }

    /** @return broker or helper */
    public Role role() {
        return role;
    }

    /** @return the broker's node id (broker.id / node.id); 0 for a helper */
    public int id() {
        return id;
    }

    /** @return host:port of the node's listener */
    public String address() {
        return address;
    }

    /** @return the node's data directory */
    public Path dataDir() {
        return dataDir;
    }

    /** @return the file holding the JVM's output */
    public Path outputFile() {
        return outputFile;
    }

    /** @return the current JVM's process id */
    public synchronized long pid() {
        return process.pid();
    }

    /** @return whether the current JVM runs */
    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /** @return user plus system CPU seconds of the current JVM, or -1 when unknown */
    public double cpuSeconds() {
        return ProcStats.cpuSeconds(pid());
    }

    /** @return peak resident set of the current JVM in bytes, or -1 when unknown */
    public long peakRssBytes() {
        return ProcStats.peakRssBytes(pid());
    }

    /**
     * SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), then waits until the JVM is gone.
     *
     * @return false when the JVM was still there after the stop timeout
     */
    public boolean kill() throws InterruptedException {
        final Process current;
        synchronized (this) {
            current = process;
        }
        current.destroyForcibly();
        return current.waitFor(STOP_TIMEOUT_SEC, TimeUnit.SECONDS);
    }

    /**
     * Starts the JVM again with the same command line, data directory and output file (appended), after a
     * {@link #kill}; returns when it answers like a fresh start does.
     *
     * @param startTimeoutMs how long it may take
     * @throws IllegalStateException when the previous JVM still runs
     * @throws ServerStartException  when it exits or does not answer in time
     */
    public void restart(final long startTimeoutMs) throws IOException, InterruptedException {
        final Process started;
        synchronized (this) {
            if (process.isAlive()) {
                throw new IllegalStateException("node still runs: node=" + name + " pid=" + process.pid());
            }
            started = ChildJvm.start(command, outputFile);
            process = started;
        }
        if (role == Role.BROKER) {
            ChildJvm.awaitReady(name, started, address, outputFile, startTimeoutMs, expectedClusterId, 1);
        } else {
            ChildJvm.awaitListening(name, started, address, outputFile, startTimeoutMs);
        }
    }

    /** Sends SIGTERM (a clean shutdown) without waiting. */
    synchronized void beginStop() {
        process.destroy();
    }

    /** Waits for a stop begun by {@link #beginStop}; SIGKILL after the stop timeout. */
    void awaitStopped() {
        final Process current;
        synchronized (this) {
            current = process;
        }
        try {
            if (!current.waitFor(STOP_TIMEOUT_SEC, TimeUnit.SECONDS)) {
                current.destroyForcibly();
                current.waitFor(STOP_TIMEOUT_SEC, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            current.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "(id=" + id + " pid=" + pid() + " address=" + address + ")";
    }
}
