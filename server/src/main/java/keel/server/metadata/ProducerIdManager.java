package keel.server.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Allocates idempotent producer ids that never repeat, across restarts too: ids are handed out from blocks of
 * {@value #BLOCK_SIZE}, and a block is taken from its {@link BlockSource} before any id of it is given out. On a
 * single node the source is the data directory: the start of the next block is persisted (file {@value #FILE_NAME},
 * written with {@link AtomicFile}); in a cluster it is a conditional update in ZooKeeper shared by every broker
 * (Kafka's {@code /latest_producer_id_block}). A crash wastes the rest of a block, never repeats an id. Thread-safe.
 */
public final class ProducerIdManager {
    /** The file name in the data directory. */
    public static final String FILE_NAME = "keel-producer-id-block";
    /** Ids per block. */
    public static final int BLOCK_SIZE = 1000;

    private static final String HEADER = "version: 0";
    private static final String KEY = "next_block_start: ";

    /** Where blocks of ids come from. */
    @FunctionalInterface
    public interface BlockSource {
        /**
         * Takes the next block for this broker, durably: no other caller, now or after a restart, gets any id of it.
         *
         * @param size the block size.
         * @return the block's first id.
         * @throws IOException if the block cannot be taken (no id is given then).
         */
        long takeBlock(int size) throws IOException;
    }

    private final BlockSource source;
    private long next;
    private long blockEnd;

    /**
     * @param source where blocks come from.
     */
    public ProducerIdManager(final BlockSource source) {
        this.source = source;
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
        final long[] nextStart = {readNextBlockStart(file)};
        return new ProducerIdManager(size -> {
            final long start = nextStart[0];
            AtomicFile.write(file, (HEADER + "\n" + KEY + (start + size) + "\n").getBytes(StandardCharsets.UTF_8));
            nextStart[0] = start + size;
            return start;
        });
    }

    private static long readNextBlockStart(final Path file) throws IOException {
        try {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final String[] lines = text.split("\n");
            if (lines.length < 2 || !HEADER.equals(lines[0]) || !lines[1].startsWith(KEY)) {
                throw new IOException("Malformed producer id block file " + file + ": " + text);
            }
            try {
                return Long.parseLong(lines[1].substring(KEY.length()).trim());
            } catch (final NumberFormatException ex) {
                throw new IOException("Malformed producer id block file " + file + ": " + text, ex);
            }
        } catch (final NoSuchFileException ex) {
            return 0;
        }
    }

    /**
     * @return a producer id never given before.
     * @throws IOException if a new block cannot be taken (no id is given then).
     */
    public synchronized long nextProducerId() throws IOException {
        if (next >= blockEnd) {
            final long start = source.takeBlock(BLOCK_SIZE);
            next = start;
            blockEnd = start + BLOCK_SIZE;
        }
        return next++;
    }
}
