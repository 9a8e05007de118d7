package keel.server.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command as a child process with a deadline: output (stdout and stderr together) goes to a file, so a chatty
 * child never blocks on a full pipe, and a child still running at the deadline is killed.
 */
public final class ChildProcess {
    private final int exitCode;
    private final String output;
    private final boolean timedOut;

    private ChildProcess(final int exitCode, final String output, final boolean timedOut) {
        this.exitCode = exitCode;
        this.output = output;
        this.timedOut = timedOut;
    }

    /**
     * @param command     the command and its arguments.
     * @param environment extra environment variables.
     * @param stdin       a file to feed as standard input, or null for none.
     * @param timeoutSec  the deadline; the child is killed when it passes.
     * @return what happened.
     * @throws IOException if the command cannot be started (for example, it does not exist).
     */
    public static ChildProcess run(final List<String> command, final Map<String, String> environment,
                                   final Path stdin, final long timeoutSec) throws IOException {
        final Path out = Files.createTempFile("keel-child", ".out");
        try {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.toFile());
            builder.environment().putAll(environment);
            if (stdin != null) {
                builder.redirectInput(stdin.toFile());
            } else {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            final Process process = builder.start();
            boolean finished;
            try {
                finished = process.waitFor(timeoutSec, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            final String text = Files.readString(out, StandardCharsets.UTF_8);
            return new ChildProcess(finished ? process.exitValue() : -1, text, !finished);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * @return true when the child exited with 0 before its deadline.
     */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    public int exitCode() {
        return exitCode;
    }

    public String output() {
        return output;
    }

    public boolean timedOut() {
        return timedOut;
    }

    /**
     * @return the output's lines that start with the prefix, the prefix and one space removed.
     */
    public List<String> linesStartingWith(final String prefix) {
        return output.lines().filter(line -> line.startsWith(prefix + " "))
            .map(line -> line.substring(prefix.length() + 1)).toList();
    }

    /**
     * @return a description for assertion messages: exit code, whether it timed out, and the output.
     */
    public String describe() {
        return "exit=" + exitCode + " timedOut=" + timedOut + " output:\n" + output;
    }
}
