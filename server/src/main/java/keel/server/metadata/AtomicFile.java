package keel.server.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe replacement of a small metadata file: write a temp file, fsync it, rename it over the target
 * atomically, fsync the directory (Kafka's {@code CheckpointFile} recipe). After a crash the file is either the old
 * or the new content, never a mix. Stateless; thread-safe for distinct files.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * Replaces {@code file} with {@code content}.
     *
     * @param file    the target.
     * @param content the new bytes.
     * @throws IOException if any step fails (the old content then stays in place).
     */
    public static void write(final Path file, final byte[] content) throws IOException {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            final ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (final AtomicMoveNotSupportedException ex) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        flushDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Makes a rename or creation in {@code dir} durable.
     *
     * @param dir the directory.
     * @throws IOException if the directory cannot be synced.
     */
    public static void flushDirectory(final Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
