package keel.perf.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for benchmark data, under {@code -Dkeel.bench.dir} (default
 * {@code <java.io.tmpdir>/keel-jmh}), always deleted in a {@code @TearDown}. Thread-safe: no state.
 */
final class TempDirs {
    static final String BENCH_DIR_PROPERTY = "keel.bench.dir";

    private TempDirs() {
    }

    static Path create(final String prefix) throws IOException {
        final Path parent = Paths.get(System.getProperty(BENCH_DIR_PROPERTY,
            Paths.get(System.getProperty("java.io.tmpdir"), "keel-jmh").toString()));
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }

    /**
     * Deletes a directory tree; null is fine. A file still mapped is unlinked and its blocks go with the mapping.
     */
    static void delete(final Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(TempDirs::deleteOne);
        } catch (final UncheckedIOException ex) {
            throw ex.getCause();
        }
    }

    private static void deleteOne(final Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
