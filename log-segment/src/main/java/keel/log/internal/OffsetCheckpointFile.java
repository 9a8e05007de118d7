package keel.log.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint of one offset per partition, in Kafka's text layout (so Kafka's tools and Keel read the same
 * files):
 * <pre>
 *   0                      version
 *   2                      number of entries
 *   orders 0 1234          topic, partition, offset
 *   orders 1 99
 * </pre>
 * Written crash-safely: a temp file, fsync, atomic rename, fsync of the directory. Thread-safe (writes are
 * serialised on the instance).
 */
public final class OffsetCheckpointFile {
    private static final int VERSION = 0;

    private final Path file;

    public OffsetCheckpointFile(final Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Replaces the checkpoint with {@code offsets}.
     *
     * @param offsets "topic-partition" directory name to offset.
     * @throws IOException if the write or the sync fails; the previous checkpoint is then intact.
     */
    public synchronized void write(final Map<String, Long> offsets) throws IOException {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            writer.write(Integer.toString(VERSION));
            writer.newLine();
            writer.write(Integer.toString(offsets.size()));
            writer.newLine();
            for (final Map.Entry<String, Long> entry : offsets.entrySet()) {
                final String name = entry.getKey();
                final int dash = name.lastIndexOf('-');
                writer.write(name.substring(0, dash) + ' ' + name.substring(dash + 1) + ' ' + entry.getValue());
                writer.newLine();
            }
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        flushDirectory(file.getParent());
    }

    /**
     * Reads the checkpoint.
     *
     * @return "topic-partition" to offset; empty when the file does not exist.
     * @throws IOException if the file is malformed, with the file, the line and what is wrong.
     */
    public synchronized Map<String, Long> read() throws IOException {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException ex) {
            return new LinkedHashMap<>();
        }
        if (lines.size() < 2) {
            throw malformed(0, "expected a version and a count, found " + lines.size() + " lines");
        }
        if (!Integer.toString(VERSION).equals(lines.get(0).trim())) {
            throw malformed(1, "unsupported version " + lines.get(0));
        }
        final int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (final NumberFormatException ex) {
            throw malformed(2, "count is not a number: " + lines.get(1));
        }
        if (count != lines.size() - 2) {
            throw malformed(2, "count " + count + " but " + (lines.size() - 2) + " entries");
        }
        final Map<String, Long> offsets = new LinkedHashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            final String[] parts = lines.get(i).trim().split(" ");
            if (parts.length != 3) {
                throw malformed(i + 1, "expected 'topic partition offset', found '" + lines.get(i) + "'");
            }
            try {
                Integer.parseInt(parts[1]);
                offsets.put(parts[0] + '-' + parts[1], Long.parseLong(parts[2]));
            } catch (final NumberFormatException ex) {
                throw malformed(i + 1, "partition or offset is not a number: '" + lines.get(i) + "'");
            }
        }
        return offsets;
    }

    /**
     * Makes a rename or a file creation in {@code dir} durable.
     *
     * @param dir the directory.
     * @throws IOException if the sync fails.
     */
    public static void flushDirectory(final Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private IOException malformed(final int line, final String what) {
        return new IOException("Malformed checkpoint file " + file + " at line " + line + ": " + what);
    }
}
