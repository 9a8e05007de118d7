package keel.index.testing;

import java.nio.file.Path;

/**
 * How much disk a file really occupies, to tell a preallocated file from a sparse one.
 *
 * <p>Stateless: thread-safe.
 */
public final class FileBlocks {
    private FileBlocks() {
    }

    /**
     * The bytes allocated to a file on disk ({@code stat -c "%b %B"}: blocks times block size).
     *
     * @param file the file
     * @return the allocated bytes
     * @throws IllegalStateException if stat fails
     */
    public static long allocatedBytes(final Path file) {
        final Commands.Result stat = Commands.run("stat", "-c", "%b %B", file.toString());
        if (!stat.succeeded()) {
            throw new IllegalStateException("stat failed for " + file + ": " + stat.output());
        }
        final String[] fields = stat.output().split(" ");
        return Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
    }
}
