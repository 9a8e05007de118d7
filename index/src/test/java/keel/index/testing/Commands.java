package keel.index.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs short external commands (stat, mount, id) for tests that check what the file system really did.
 *
 * <p>Stateless: thread-safe.
 */
public final class Commands {
    private static final long TIMEOUT_SECONDS = 30;

    private Commands() {
    }

    /**
     * The result of a command: its exit code and its standard output and error, merged.
     */
    public record Result(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs a command and waits for it.
     *
     * @param command the program and its arguments
     * @return the exit code and output; exit code -1 if the program cannot be started
     */
    public static Result run(final String... command) {
        final Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (final IOException ex) {
            return new Result(-1, String.valueOf(ex.getMessage()));
        }
        try (InputStream in = process.getInputStream()) {
            final String output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out after " + TIMEOUT_SECONDS + " s: "
                    + String.join(" ", command));
            }
            return new Result(process.exitValue(), output);
        } catch (final IOException ex) {
            throw new IllegalStateException("Failed to read the output of " + String.join(" ", command), ex);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), ex);
        }
    }

    /**
     * @return true if the JVM runs as root (uid 0)
     */
    public static boolean isRoot() {
        final Result id = run("id", "-u");
        return id.succeeded() && "0".equals(id.output());
    }
}
