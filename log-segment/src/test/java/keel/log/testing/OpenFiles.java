package keel.log.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files under a directory this process still holds open or mapped, read from Linux's {@code /proc/self}:
 * the leak check after a log is closed or fails to open. Skips the calling test where there is no {@code /proc}.
 *
 * <p>Stateless: thread-safe.
 */
public final class OpenFiles {
    private OpenFiles() {
    }

    /**
     * @param dir a directory.
     * @return one line per open descriptor ({@code open: path}) and per mapping ({@code mapped: path}) of a file
     *     under {@code dir}, deleted files included; empty when nothing leaked.
     * @throws IOException if {@code /proc/self/maps} cannot be read.
     */
    public static List<String> under(final Path dir) throws IOException {
        final Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs Linux's /proc to see open files");
        final String prefix = dir.toRealPath().toString() + "/";
        final List<String> found = new ArrayList<>();
        for (final Path fd : Directories.list(fds)) {
            try {
                final String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith(prefix)) {
                    found.add("open: " + target);
                }
            } catch (final IOException ignore) {
                // the descriptor that listed the directory is closed by the time its link is read
            }
        }
        for (final String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(prefix)) {
                found.add("mapped: " + line.substring(line.indexOf('/')));
            }
        }
        return found;
    }
}
