package keel.perf.peer;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A server JVM started by a {@link ServerLauncher}. Thread-safe; {@link #close()} is idempotent.
 */
public final class RunningServer implements AutoCloseable {

    private static final long STOP_TIMEOUT_SEC = 20;

    private final String name;
    private final Process process;
    private final String bootstrap;
    private final Path workDir;
    private final Path outputFile;
    private boolean closed;

    RunningServer(final String name, final Process process, final String bootstrap, final Path workDir,
                  final Path outputFile) {
        this.name = name;
        this.process = process;
        this.bootstrap = bootstrap;
        this.workDir = workDir;
        this.outputFile = outputFile;
    }

    /** @return the launcher's name */
    public String name() {
        return name;
    }

    /** @return host:port of the client listener */
    public String bootstrap() {
        return bootstrap;
    }

    /** @return the JVM's process id */
    public long pid() {
        return process.pid();
    }

    /** @return the server's data and configuration directory */
    public Path workDir() {
        return workDir;
    }

    /** @return the file that holds the JVM's stdout and stderr */
    public Path outputFile() {
        return outputFile;
    }

    /** @return whether the JVM still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return user plus system CPU seconds so far, or -1 when unknown */
    public double cpuSeconds() {
        return ProcStats.cpuSeconds(process.pid());
    }

    /** @return peak resident set in bytes so far, or -1 when unknown */
    public long peakRssBytes() {
        return ProcStats.peakRssBytes(process.pid());
    }

    /**
     * Stops the JVM: SIGTERM (a clean shutdown), then SIGKILL after {@value #STOP_TIMEOUT_SEC} s.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_SEC, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_SEC, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
