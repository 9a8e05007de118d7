package keel.replication.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import keel.replication.EpochEndOffset;
import keel.replication.ReplicationError;

/**
 * The leader-epoch cache of one partition (KIP-101): for every leader epoch the log holds, the offset of its first
 * record, persisted as {@value #FILE_NAME} in the partition directory in Kafka's layout:
 * <pre>
 *   0            version
 *   2            number of entries
 *   0 0          epoch, start offset
 *   3 120
 * </pre>
 * Epochs and start offsets strictly increase from entry to entry. The file is rewritten (temp, fsync, rename,
 * directory fsync) on every change; changes happen only on leader elections and truncations, never per append.
 *
 * <p>Thread-safe (every method synchronises on the instance). A crash between a log change and the checkpoint
 * write can leave entries past the log end; the owner truncates the cache to the log end when it opens it.
 */
public final class LeaderEpochCache {
    /** The file name in the partition directory. */
    public static final String FILE_NAME = "leader-epoch-checkpoint";

    private final Path file;
    private final TreeMap<Integer, Long> epochs;

    private LeaderEpochCache(final Path file, final TreeMap<Integer, Long> epochs) {
        this.file = file;
        this.epochs = epochs;
    }

    /**
     * Reads {@value #FILE_NAME} of {@code partitionDir} (an empty cache when it does not exist).
     *
     * @param partitionDir the partition directory.
     * @return the cache, persisted there.
     * @throws IOException if the file is malformed or unreadable.
     */
    public static LeaderEpochCache open(final Path partitionDir) throws IOException {
        final Path file = partitionDir.resolve(FILE_NAME);
        final TreeMap<Integer, Long> epochs = new TreeMap<>();
        final List<String[]> entries = CheckpointFiles.read(file, 2);
        int line = 3;
        for (final String[] entry : entries) {
            try {
                epochs.put(Integer.parseInt(entry[0]), Long.parseLong(entry[1]));
            } catch (final NumberFormatException ex) {
                throw CheckpointFiles.malformed(file, line, "epoch or offset is not a number");
            }
            line++;
        }
        return new LeaderEpochCache(file, epochs);
    }

    /**
     * @return a cache that is never written to disk (a single-node partition opened without a directory scan).
     */
    public static LeaderEpochCache inMemory() {
        return new LeaderEpochCache(null, new TreeMap<>());
    }

    /**
     * @return the file, or null for an in-memory cache.
     */
    public Path file() {
        return file;
    }

    /**
     * @return the latest epoch, or {@link EpochEndOffset#UNDEFINED_EPOCH} when empty.
     */
    public synchronized int latestEpoch() {
        return epochs.isEmpty() ? EpochEndOffset.UNDEFINED_EPOCH : epochs.lastKey();
    }

    /**
     * @return the start offset of the latest epoch, or -1 when empty.
     */
    public synchronized long latestEpochStartOffset() {
        return epochs.isEmpty() ? -1L : epochs.lastEntry().getValue();
    }

    /**
     * @return epoch to start offset, oldest first (a copy).
     */
    public synchronized Map<Integer, Long> entries() {
        return new TreeMap<>(epochs);
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset} (a new leader's log end, or a follower's first batch
     * of a new epoch). Does nothing when the latest entry already says so; entries with an epoch or a start offset
     * at or above the new one are removed first, so both columns keep increasing (Kafka's
     * {@code LeaderEpochFileCache.assign}).
     *
     * @param epoch       the epoch.
     * @param startOffset its first offset.
     * @return true if the cache changed (and was written).
     */
    public synchronized boolean assign(final int epoch, final long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("Invalid leader epoch entry epoch=" + epoch + " startOffset="
                + startOffset + " file=" + file);
        }
        if (!epochs.isEmpty()) {
            final Map.Entry<Integer, Long> last = epochs.lastEntry();
            if (last.getKey() == epoch && last.getValue() <= startOffset) {
                return false;
            }
        }
        while (!epochs.isEmpty() && (epochs.lastKey() >= epoch || epochs.lastEntry().getValue() >= startOffset)) {
            epochs.pollLastEntry();
        }
        epochs.put(epoch, startOffset);
        flush();
        return true;
    }

    /**
     * The log was truncated to {@code endOffset}: removes every epoch that starts at or after it.
     *
     * @param endOffset the new log end offset.
     */
    public synchronized void truncateFromEnd(final long endOffset) {
        boolean changed = false;
        while (!epochs.isEmpty() && epochs.lastEntry().getValue() >= endOffset) {
            epochs.pollLastEntry();
            changed = true;
        }
        if (changed) {
            flush();
        }
    }

    /**
     * The log start moved to {@code startOffset}: drops the epochs that end at or before it and moves the start of
     * the epoch that holds it up to it.
     *
     * @param startOffset the new log start offset.
     */
    public synchronized void truncateFromStart(final long startOffset) {
        Map.Entry<Integer, Long> holder = null;
        while (!epochs.isEmpty() && epochs.firstEntry().getValue() <= startOffset) {
            holder = epochs.pollFirstEntry();
        }
        if (holder != null) {
            // the epoch that holds the new start keeps its entry, moved up to the start
            epochs.put(holder.getKey(), startOffset);
            flush();
        }
    }

    /**
     * Removes every entry (the log was emptied and starts again elsewhere).
     */
    public synchronized void clear() {
        if (!epochs.isEmpty()) {
            epochs.clear();
            flush();
        }
    }

    /**
     * KIP-101/279: the largest epoch at or below {@code requestedEpoch} and its end offset: the start offset of the
     * next higher epoch, or {@code logEndOffset} when it is the latest epoch. An epoch lower than every entry
     * answers the requested epoch with the first entry's start offset; an epoch above the latest one, or an empty
     * cache, answers {@link EpochEndOffset#UNDEFINED}.
     *
     * @param requestedEpoch the epoch asked about.
     * @param logEndOffset   the log end offset (the end of the latest epoch).
     * @return the answer, with error code NONE.
     */
    public synchronized EpochEndOffset endOffsetFor(final int requestedEpoch, final long logEndOffset) {
        if (requestedEpoch == EpochEndOffset.UNDEFINED_EPOCH || epochs.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new EpochEndOffset(ReplicationError.NONE, requestedEpoch, logEndOffset);
        }
        final Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED;
        }
        final Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return new EpochEndOffset(ReplicationError.NONE, floor == null ? requestedEpoch : floor.getKey(),
            higher.getValue());
    }

    /**
     * Deletes the checkpoint file (the replica is deleted).
     *
     * @throws IOException if the file exists and cannot be deleted.
     */
    public synchronized void delete() throws IOException {
        epochs.clear();
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    private void flush() {
        if (file == null) {
            return;
        }
        final List<String> lines = new ArrayList<>(epochs.size());
        for (final Map.Entry<Integer, Long> entry : epochs.entrySet()) {
            lines.add(entry.getKey() + " " + entry.getValue());
        }
        try {
            CheckpointFiles.write(file, lines);
        } catch (final IOException ex) {
            // the caller changed the log already; a stale checkpoint would answer OffsetForLeaderEpoch wrongly after
            // a restart, so the failure goes up as a storage failure of the partition's directory
            throw new UncheckedIOException("Cannot write " + file, ex);
        }
    }

    @Override
    public synchronized String toString() {
        return "LeaderEpochCache{file=" + file + ", epochs=" + epochs + '}';
    }
}
