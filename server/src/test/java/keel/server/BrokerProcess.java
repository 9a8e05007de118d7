package keel.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import keel.server.clients.ChildProcess;

/**
 * A broker ({@link KeelServer#main}) in a child JVM on the test's class path, for process-level crash tests: its
 * output (stdout and stderr together) goes to a file, and it can be sent SIGKILL, SIGTERM, SIGSTOP and SIGCONT.
 * Confined to the test thread.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private BrokerProcess(final Process process, final Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code java ... keel.server.KeelServer CONFIG} with the test JVM's {@code --add-*} flags.
     *
     * @param config   the broker's properties file.
     * @param output   where the child's stdout and stderr go (appended to, so that restarts keep the history).
     * @param jvmFlags extra JVM flags (heap, system properties).
     * @return the running child.
     * @throws IOException if the JVM cannot be started.
     */
    public static BrokerProcess start(final Path config, final Path output, final List<String> jvmFlags)
        throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KeelServer.class.getName());
        command.add(config.toString());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return new BrokerProcess(process, output);
    }

    public long pid() {
        return process.pid();
    }

    public Path output() {
        return output;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL, then waits for the process to be gone.
     *
     * @throws IOException if it is still alive after 30 s.
     */
    public void sigkill() throws IOException {
        process.destroyForcibly();
        if (!waitFor(30_000)) {
            throw new IOException("child broker pid=" + pid() + " survived SIGKILL for 30 s");
        }
    }

    /**
     * SIGTERM: the broker shuts down (a controlled shutdown in a cluster). Does not wait.
     */
    public void sigterm() {
        process.destroy();
    }

    /**
     * SIGSTOP: the JVM is paused as a whole (no thread runs, its sockets stay open), like a very long GC pause.
     *
     * @throws IOException if {@code kill} fails.
     */
    public void sigstop() throws IOException {
        signal("STOP");
    }

    /**
     * SIGCONT: resumes a paused JVM.
     *
     * @throws IOException if {@code kill} fails.
     */
    public void sigcont() throws IOException {
        signal("CONT");
    }

    private void signal(final String name) throws IOException {
        final ChildProcess kill = ChildProcess.run(List.of("kill", "-" + name, Long.toString(pid())), Map.of(), null,
            10);
        if (!kill.succeeded()) {
            throw new IOException("kill -" + name + " " + pid() + " failed: " + kill.describe());
        }
    }

    /**
     * @param timeoutMs how long to wait.
     * @return whether the process exited within the time.
     */
    public boolean waitFor(final long timeoutMs) {
        try {
            return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @return the exit code; the process must have exited.
     */
    public int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL without waiting long: for clean-up after a test. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(10_000);
        }
    }
}
