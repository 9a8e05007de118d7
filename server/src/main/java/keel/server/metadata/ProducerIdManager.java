package keel.server.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Allocates idempotent producer ids that never repeat, across restarts too: ids are handed out from blocks of
 * {@value #BLOCK_SIZE}, and the start of the next block is persisted (file {@value #FILE_NAME}, written with
 * {@link AtomicFile}) before any id of the current block is given out. A crash wastes the rest of a block, never
 * repeats an id. Thread-safe.
 */
public final class ProducerIdManager {
    /** The file name in the data directory. */
    public static final String FILE_NAME = "keel-producer-id-block";
    /** Ids per persisted block. */
    public static final int BLOCK_SIZE = 1000;

    private static final String HEADER = "version: 0";
    private static final String KEY = "next_block_start: ";

    private final Path file;
    private long next;
    private long blockEnd;

    private ProducerIdManager(final Path file, final long nextBlockStart) {
        this.file = file;
        this.next = nextBlockStart;
        this.blockEnd = nextBlockStart;
    }

    /**
     * Reads the persisted block start of a data directory.
     *
     * @param dataDir the data directory.
     * @return the manager; the first id it gives is the persisted next block start (0 for a new directory).
     * @throws IOException if the file exists but cannot be read or parsed.
     */
    public static ProducerIdManager open(final Path dataDir) throws IOException {
        final Path file = dataDir.resolve(FILE_NAME);
        long start = 0;
        try {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final String[] lines = text.split("\n");
            if (lines.length < 2 || !HEADER.equals(lines[0]) || !lines[1].startsWith(KEY)) {
                throw new IOException("Malformed producer id block file " + file + ": " + text);
            }
            try {
                start = Long.parseLong(lines[1].substring(KEY.length()).trim());
            } catch (final NumberFormatException ex) {
                throw new IOException("Malformed producer id block file " + file + ": " + text, ex);
            }
        } catch (final NoSuchFileException ex) {
            start = 0;
        }
        return new ProducerIdManager(file, start);
    }

    /**
     * @return a producer id never given before by this data directory.
     * @throws IOException if a new block cannot be persisted (no id is given then).
     */
    public synchronized long nextProducerId() throws IOException {
        if (next >= blockEnd) {
            final long end = blockEnd + BLOCK_SIZE;
            AtomicFile.write(file, (HEADER + "\n" + KEY + end + "\n").getBytes(StandardCharsets.UTF_8));
            next = blockEnd;
            blockEnd = end;
        }
        return next++;
    }
}
