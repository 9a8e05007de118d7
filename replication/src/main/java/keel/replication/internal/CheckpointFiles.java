package keel.replication.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's text checkpoint layout shared by {@code leader-epoch-checkpoint} and
 * {@code replication-offset-checkpoint}: a version line ({@code 0}), a count line, then one entry per line with
 * space-separated fields. Written crash-safely: temp file, fsync, atomic rename, fsync of the directory (Kafka
 * {@code CheckpointFile}). Stateless; thread-safe (callers serialise writes to one file).
 */
public final class CheckpointFiles {
    /** The only version Kafka writes. */
    public static final int VERSION = 0;

    private CheckpointFiles() {
    }

    /**
     * Replaces {@code file} with the version, the count and {@code lines}.
     *
     * @param file  the checkpoint file.
     * @param lines the entries, already formatted.
     * @throws IOException if a write or a sync fails; the previous file is then intact.
     */
    public static void write(final Path file, final List<String> lines) throws IOException {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            writer.write(Integer.toString(VERSION));
            writer.newLine();
            writer.write(Integer.toString(lines.size()));
            writer.newLine();
            for (final String line : lines) {
                writer.write(line);
                writer.newLine();
            }
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /**
     * Reads the entries of {@code file}, each split into {@code fields} fields.
     *
     * @param file   the checkpoint file.
     * @param fields fields per entry.
     * @return the entries; empty when the file does not exist.
     * @throws IOException if the file cannot be read or is malformed, naming the file, the line and the problem.
     */
    public static List<String[]> read(final Path file, final int fields) throws IOException {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException ex) {
            return new ArrayList<>();
        }
        if (lines.size() < 2) {
            throw malformed(file, 0, "expected a version and a count, found " + lines.size() + " lines");
        }
        if (!Integer.toString(VERSION).equals(lines.get(0).trim())) {
            throw malformed(file, 1, "unsupported version " + lines.get(0));
        }
        final int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (final NumberFormatException ex) {
            throw malformed(file, 2, "count is not a number: " + lines.get(1));
        }
        if (count != lines.size() - 2) {
            throw malformed(file, 2, "count " + count + " but " + (lines.size() - 2) + " entries");
        }
        final List<String[]> entries = new ArrayList<>(count);
        for (int i = 2; i < lines.size(); i++) {
            final String[] parts = lines.get(i).trim().split(" ");
            if (parts.length != fields) {
                throw malformed(file, i + 1, "expected " + fields + " fields, found '" + lines.get(i) + "'");
            }
            entries.add(parts);
        }
        return entries;
    }

    /**
     * @param file the file.
     * @param line the 1-based line.
     * @param what what is wrong.
     * @return an exception naming all three.
     */
    public static IOException malformed(final Path file, final int line, final String what) {
        return new IOException("Malformed checkpoint file " + file + " at line " + line + ": " + what);
    }
}
