package keel.log.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * File helpers for crash tests. A copy of a partition directory taken while its log is open is a crash image: the
 * writes made through the segment mappings are in the page cache, so a plain file copy sees them, as a restarted
 * process would after a kill.
 *
 * <p>Stateless: thread-safe.
 */
public final class Directories {
    private Directories() {
    }

    /**
     * Copies every regular file of {@code source} into {@code target} (created if needed), replacing files there.
     *
     * @param source a directory.
     * @param target the copy.
     * @return {@code target}.
     * @throws IOException if a copy fails.
     */
    public static Path copyFiles(final Path source, final Path target) throws IOException {
        Files.createDirectories(target);
        for (final Path file : list(source)) {
            if (Files.isRegularFile(file)) {
                Files.copy(file, target.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    /**
     * @param dir a directory.
     * @return its entries, sorted by name.
     * @throws IOException if it cannot be listed.
     */
    public static List<Path> list(final Path dir) throws IOException {
        final List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (final Path entry : stream) {
                entries.add(entry);
            }
        }
        entries.sort(null);
        return entries;
    }

    /**
     * @param dir    a directory.
     * @param suffix a file name suffix, e.g. ".log".
     * @return the files of {@code dir} whose names end with {@code suffix}, sorted by name.
     * @throws IOException if it cannot be listed.
     */
    public static List<Path> filesEndingWith(final Path dir, final String suffix) throws IOException {
        final List<Path> files = new ArrayList<>();
        for (final Path file : list(dir)) {
            if (file.getFileName().toString().endsWith(suffix)) {
                files.add(file);
            }
        }
        return files;
    }
}
