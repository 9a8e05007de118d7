package keel.log.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

import keel.log.ErrorCode;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent-producer state of one partition (Kafka KIP-98, with KIP-360's acceptance of unknown producers): for
 * each producer id its epoch, the metadata of its last 5 batches and the time of its last append. The leader
 * {@link #check checks} a batch before appending it (duplicate, fenced epoch, sequence gap) and {@link #update
 * updates} the state after the append; followers and log recovery only update.
 *
 * <p>Persistence: {@link #takeSnapshot} writes {@code <20-digit offset>.snapshot} files in Kafka's layout (see
 * {@link ProducerStateSnapshotFormat}) into the partition directory, crash-safely. A snapshot at offset {@code N}
 * holds the state after every batch below {@code N}, with only the last batch per producer (as in Kafka). On
 * open, recovery or truncation the Log calls {@link #loadFromSnapshot} and replays the batches from the returned
 * offset through {@link #update}. A corrupt snapshot is reported to the {@link ErrorHandler}, deleted and skipped,
 * so the Log replays from an older snapshot or from the log start.
 *
 * <p>Time: expiry ({@code producer.id.expiration.ms}) counts from the append time passed to {@link #update}, not
 * from the batch timestamp as in Kafka, so clients sending old CreateTime timestamps are not expired while active.
 * Kafka's snapshot layout has one timestamp per producer: Keel writes the newer of the last batch's max timestamp
 * and the last append time, and after a reload both expiry and that batch's timestamp come from it. The clock is
 * injected and only read when loading.
 *
 * <p>Threading: one writer. Every method except {@link #activeProducers()}, {@link #latestSnapshotOffset()} and
 * {@link #oldestSnapshotOffset()} must be called by the thread holding the partition's write lock; those three may
 * be called from any thread. {@link #check} and {@link #update} allocate nothing once a producer is known.
 */
public final class ProducerStateManager implements AutoCloseable {
    /** Epoch of a producer without one (Kafka {@code RecordBatch.NO_PRODUCER_EPOCH}). */
    public static final short NO_PRODUCER_EPOCH = -1;
    /** Sequence of a batch without one (Kafka {@code RecordBatch.NO_SEQUENCE}). */
    public static final int NO_SEQUENCE = -1;
    /** Configuration key of the idle time after which a producer's state is dropped. */
    public static final String PRODUCER_ID_EXPIRATION_MS_CONFIG = "producer.id.expiration.ms";
    /** Kafka's default of {@value #PRODUCER_ID_EXPIRATION_MS_CONFIG}: one day. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);
    private static final Comparator<ProducerStateEntry> BY_PRODUCER_ID =
        Comparator.comparingLong(ProducerStateEntry::producerId);

    private final Path dir;
    private final long producerIdExpirationMs;
    private final LongSupplier clockMs;
    private final ErrorHandler errorHandler;
    private final Long2ObjectHashMap<ProducerStateEntry> producers = new Long2ObjectHashMap<>();
    private final ConcurrentSkipListMap<Long, Path> snapshots = new ConcurrentSkipListMap<>();
    private final ArrayList<ProducerStateEntry> expired = new ArrayList<>();
    private volatile int activeProducers;
    private long mapEndOffset;
    private boolean closed;

    private ProducerStateManager(
        final Path dir,
        final long producerIdExpirationMs,
        final LongSupplier clockMs,
        final ErrorHandler errorHandler) {
        this.dir = dir;
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.clockMs = clockMs;
        this.errorHandler = errorHandler;
    }

    /**
     * Opens the producer state of a partition directory: lists its snapshot files and deletes temp files left by a
     * crash during {@link #takeSnapshot}. Loads nothing; the state is empty until {@link #loadFromSnapshot}.
     * Corrupt snapshots found later are logged at warn.
     *
     * @param partitionDir           the partition directory; must exist.
     * @param producerIdExpirationMs {@value #PRODUCER_ID_EXPIRATION_MS_CONFIG}, at least 1.
     * @param clockMs                wall clock in ms, read when loading a snapshot to skip expired producers.
     * @return the manager, empty.
     * @throws IOException if the directory cannot be listed or a temp file cannot be deleted.
     */
    public static ProducerStateManager open(
        final Path partitionDir,
        final long producerIdExpirationMs,
        final LongSupplier clockMs) throws IOException {
        return open(partitionDir, producerIdExpirationMs, clockMs, ProducerStateManager::logCorruptSnapshot);
    }

    /**
     * As {@link #open(Path, long, LongSupplier)}, with the handler that receives each
     * {@link ProducerStateSnapshotException} of a snapshot that {@link #loadFromSnapshot} skips.
     *
     * @param partitionDir           the partition directory; must exist.
     * @param producerIdExpirationMs {@value #PRODUCER_ID_EXPIRATION_MS_CONFIG}, at least 1.
     * @param clockMs                wall clock in ms, read when loading a snapshot to skip expired producers.
     * @param errorHandler           receives corrupt-snapshot reports; must not throw.
     * @return the manager, empty.
     * @throws IOException if the directory cannot be listed or a temp file cannot be deleted.
     */
    public static ProducerStateManager open(
        final Path partitionDir,
        final long producerIdExpirationMs,
        final LongSupplier clockMs,
        final ErrorHandler errorHandler) throws IOException {
        if (producerIdExpirationMs < 1) {
            throw new IllegalArgumentException(PRODUCER_ID_EXPIRATION_MS_CONFIG + "=" + producerIdExpirationMs
                + " must be >= 1");
        }
        if (!Files.isDirectory(partitionDir)) {
            throw new IOException("Partition directory does not exist: " + partitionDir);
        }
        final ProducerStateManager manager =
            new ProducerStateManager(partitionDir, producerIdExpirationMs, clockMs, errorHandler);
        manager.listSnapshots();
        return manager;
    }

    private void listSnapshots() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                if (ProducerStateSnapshotFile.isTempFileName(name)) {
                    // A crash during takeSnapshot: the rename never happened, so the file is incomplete by contract.
                    Files.deleteIfExists(file);
                    LOG.info("Deleted incomplete producer snapshot {}", file);
                } else {
                    final long offset = ProducerStateSnapshotFormat.offsetFromFileName(name);
                    if (offset >= 0 && Files.isRegularFile(file)) {
                        snapshots.put(offset, file);
                    }
                }
            }
        }
    }

    /**
     * Replaces the in-memory state with the newest valid snapshot whose offset is in
     * {@code [logStartOffset, upToOffset]}. Steps:
     * <ol>
     *   <li>delete the snapshots above {@code upToOffset}: they describe log content that is gone;</li>
     *   <li>clear the state;</li>
     *   <li>read the newest candidate; if it is corrupt, report it to the error handler, delete it and try the next
     *       older one; producers already expired by the clock are not loaded.</li>
     * </ol>
     * Snapshots below {@code logStartOffset} are ignored, not deleted ({@link #deleteSnapshotsBefore} does that).
     * The caller then replays its batches from the returned offset up to {@code upToOffset} through {@link #update}.
     *
     * @param logStartOffset the log start offset.
     * @param upToOffset     the log end offset the state must reach, at least {@code logStartOffset}.
     * @return the offset of the snapshot loaded, or {@code logStartOffset} if none was usable (state empty).
     * @throws IOException if a snapshot cannot be read or deleted for a reason other than corruption.
     */
    public long loadFromSnapshot(final long logStartOffset, final long upToOffset) throws IOException {
        checkOpen();
        if (logStartOffset < 0 || upToOffset < logStartOffset) {
            throw new IllegalArgumentException("logStartOffset=" + logStartOffset + " upToOffset=" + upToOffset
                + " need 0 <= logStartOffset <= upToOffset dir=" + dir);
        }
        deleteSnapshotsAfter(upToOffset);
        clearState();

        Map.Entry<Long, Path> candidate = snapshots.floorEntry(upToOffset);
        while (candidate != null && candidate.getKey() >= logStartOffset) {
            final long offset = candidate.getKey();
            final Path file = candidate.getValue();
            try {
                final ByteBuffer snapshot = ProducerStateSnapshotFile.read(file);
                final int loaded = install(snapshot, clockMs.getAsLong());
                mapEndOffset = offset;
                LOG.info("Loaded producer state from {}: {} producers, {} expired ones skipped", file, loaded,
                    ProducerStateSnapshotFormat.entryCount(snapshot) - loaded);
                return offset;
            } catch (final ProducerStateSnapshotException ex) {
                errorHandler.onError(ex);
                snapshots.remove(offset);
                Files.deleteIfExists(file);
            }
            candidate = snapshots.lowerEntry(offset);
        }
        mapEndOffset = logStartOffset;
        return logStartOffset;
    }

    private int install(final ByteBuffer snapshot, final long nowMs) {
        final int count = ProducerStateSnapshotFormat.entryCount(snapshot);
        int loaded = 0;
        for (int i = 0; i < count; i++) {
            final long timestampMs = ProducerStateSnapshotFormat.timestamp(snapshot, i);
            if (isExpired(timestampMs, nowMs)) {
                continue;
            }
            final long producerId = ProducerStateSnapshotFormat.producerId(snapshot, i);
            final ProducerStateEntry entry = new ProducerStateEntry(
                producerId, ProducerStateSnapshotFormat.producerEpoch(snapshot, i), timestampMs);
            final long lastOffset = ProducerStateSnapshotFormat.lastOffset(snapshot, i);
            if (lastOffset >= 0) {
                final int lastSequence = ProducerStateSnapshotFormat.lastSequence(snapshot, i);
                final int offsetDelta = ProducerStateSnapshotFormat.offsetDelta(snapshot, i);
                entry.addBatch(decrementSequence(lastSequence, offsetDelta), lastSequence, lastOffset - offsetDelta,
                    lastOffset, timestampMs);
            }
            producers.put(producerId, entry);
            loaded++;
        }
        activeProducers = producers.size();
        return loaded;
    }

    /**
     * Checks a batch of an idempotent producer before the leader appends it, with Kafka's rules, in order:
     * <ol>
     *   <li>{@code producerId < 0}: not idempotent, nothing to check: {@link ErrorCode#NONE};</li>
     *   <li>a negative sequence: {@link ErrorCode#INVALID_RECORD} (Kafka {@code LogValidator} rejects it);</li>
     *   <li>unknown producer (never seen, expired, or its batches deleted by retention): {@link ErrorCode#NONE}
     *       for any epoch and sequence (KIP-360);</li>
     *   <li>same epoch and one of the last 5 batches has exactly {@code firstSeq..lastSeq}:
     *       {@link ErrorCode#DUPLICATE_SEQUENCE_NUMBER}, and {@code out} holds that batch's offsets and timestamp;
     *       the Log acknowledges it with them without appending, as Kafka does;</li>
     *   <li>older epoch: {@link ErrorCode#INVALID_PRODUCER_EPOCH};</li>
     *   <li>newer epoch: {@code firstSeq} must be 0 (unless the known epoch is {@link #NO_PRODUCER_EPOCH});</li>
     *   <li>same epoch: {@code firstSeq} must follow the last sequence (0 follows {@link Integer#MAX_VALUE}), else
     *       {@link ErrorCode#OUT_OF_ORDER_SEQUENCE_NUMBER}; a batch older than the last 5 is such a gap.</li>
     * </ol>
     * Changes nothing: after appending, call {@link #update} before checking the producer's next batch.
     *
     * @param producerId the batch's producer id.
     * @param epoch      the batch's producer epoch.
     * @param firstSeq   the batch's base sequence.
     * @param lastSeq    the batch's last sequence (base sequence plus last offset delta, wrapping).
     * @param out        filled only on {@link ErrorCode#DUPLICATE_SEQUENCE_NUMBER}.
     * @return an {@link ErrorCode}.
     */
    public int check(
        final long producerId,
        final short epoch,
        final int firstSeq,
        final int lastSeq,
        final ProducerStateResult out) {
        if (producerId < 0) {
            return ErrorCode.NONE;
        }
        if (firstSeq < 0 || lastSeq < 0) {
            return ErrorCode.INVALID_RECORD;
        }
        final ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return ErrorCode.NONE;
        }

        final short currentEpoch = entry.producerEpoch();
        if (epoch == currentEpoch) {
            final int duplicate = entry.findBatch(firstSeq, lastSeq);
            if (duplicate >= 0) {
                entry.copyBatch(duplicate, out);
                return ErrorCode.DUPLICATE_SEQUENCE_NUMBER;
            }
        }
        if (epoch < currentEpoch) {
            return ErrorCode.INVALID_PRODUCER_EPOCH;
        }
        if (epoch != currentEpoch) {
            return firstSeq == 0 || currentEpoch == NO_PRODUCER_EPOCH ?
                ErrorCode.NONE : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
        }
        if (currentEpoch == NO_PRODUCER_EPOCH) {
            return ErrorCode.NONE;
        }
        return inSequence(entry.lastSequence(), firstSeq) ? ErrorCode.NONE : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
    }

    /**
     * Records an appended batch, without checks of epoch or sequence: after a leader append that
     * {@link #check} accepted, for a follower's append and when replaying the log. A different epoch (even an
     * older one, as a follower must follow its leader) replaces the producer's epoch and drops its retained
     * batches; the batch becomes the newest of the last 5.
     *
     * @param producerId     the batch's producer id; {@code < 0} (not idempotent) is ignored.
     * @param epoch          the batch's producer epoch.
     * @param firstSeq       the batch's base sequence, {@code >= 0}.
     * @param lastSeq        the batch's last sequence: {@code firstSeq} plus {@code lastOffset - firstOffset},
     *                       wrapping after {@link Integer#MAX_VALUE} to 0.
     * @param firstOffset    offset of the batch's first record, {@code >= 0}.
     * @param lastOffset     offset of the batch's last record, {@code >= firstOffset}.
     * @param maxTimestampMs the batch's max timestamp (after the broker set it, for LogAppendTime).
     * @param appendTimeMs   when the batch was appended; expiry counts from it. When replaying the log, where the
     *                       append time is unknown, pass {@code maxTimestampMs} (what Kafka counts expiry from).
     * @throws IllegalArgumentException if the batch's sequences or offsets are impossible (a bug in the caller).
     */
    public void update(
        final long producerId,
        final short epoch,
        final int firstSeq,
        final int lastSeq,
        final long firstOffset,
        final long lastOffset,
        final long maxTimestampMs,
        final long appendTimeMs) {
        if (producerId < 0) {
            return;
        }
        checkBatch(producerId, firstSeq, lastSeq, firstOffset, lastOffset);
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            entry = new ProducerStateEntry(producerId, epoch, appendTimeMs);
            producers.put(producerId, entry);
            activeProducers = producers.size();
        } else {
            entry.maybeUpdateProducerEpoch(epoch);
        }
        entry.addBatch(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestampMs);
        entry.lastUpdateMs(appendTimeMs);
        if (lastOffset >= mapEndOffset) {
            mapEndOffset = lastOffset + 1;
        }
    }

    private void checkBatch(
        final long producerId,
        final int firstSeq,
        final int lastSeq,
        final long firstOffset,
        final long lastOffset) {
        final long offsetDelta = lastOffset - firstOffset;
        if (firstSeq < 0 || lastSeq < 0 || firstOffset < 0 || offsetDelta < 0 || offsetDelta > Integer.MAX_VALUE
            || lastSeq != incrementSequence(firstSeq, (int) offsetDelta)) {
            throw new IllegalArgumentException("Impossible batch for producerId=" + producerId + ": firstSeq="
                + firstSeq + " lastSeq=" + lastSeq + " firstOffset=" + firstOffset + " lastOffset=" + lastOffset
                + " (need sequences >= 0, 0 <= firstOffset <= lastOffset, lastSeq = firstSeq + lastOffset - firstOffset"
                + " wrapping at Integer.MAX_VALUE) dir=" + dir);
        }
    }

    /**
     * Writes the state as the snapshot at {@code offset} ({@code <20-digit offset>.snapshot}), crash-safely: temp
     * file, fsync, atomic rename (replacing a snapshot of the same offset), fsync of the directory. Producers are
     * written in id order, so equal states give identical files.
     *
     * @param offset the log end offset the state covers: every batch below it has been passed to {@link #update},
     *               none at or above it.
     * @throws IOException              if the file cannot be written; no snapshot file is changed then.
     * @throws IllegalArgumentException if the state already holds a batch at or above {@code offset}.
     */
    public void takeSnapshot(final long offset) throws IOException {
        takeSnapshot(offset, true);
    }

    /**
     * Writes a snapshot of the state at {@code offset}; without {@code sync} the file is renamed into place without
     * fsync and {@link #flushSnapshot(long)} must follow off the writer's path (Kafka does the same at a roll).
     *
     * @param offset the log end offset the state covers (exclusive).
     * @param sync   fsync the file and the directory before returning.
     * @throws IOException if the file cannot be written.
     */
    public void takeSnapshot(final long offset, final boolean sync) throws IOException {
        checkOpen();
        if (offset < mapEndOffset) {
            throw new IllegalArgumentException("Snapshot offset=" + offset + " is below the end of the producer"
                + " state mapEndOffset=" + mapEndOffset + " dir=" + dir);
        }
        final int count = producers.size();
        final ProducerStateEntry[] entries = new ProducerStateEntry[count];
        int i = 0;
        for (final ProducerStateEntry entry : producers.values()) {
            entries[i++] = entry;
        }
        Arrays.sort(entries, 0, count, BY_PRODUCER_ID);
        final Path file = ProducerStateSnapshotFile.write(dir, offset, entries, count, sync);
        snapshots.put(offset, file);
        LOG.debug("Wrote producer snapshot {} with {} producers", file, count);
    }

    /**
     * Makes the snapshot at {@code offset}, written without sync, durable. Safe from any thread; a snapshot that
     * was deleted meanwhile is skipped.
     *
     * @param offset the snapshot's offset.
     * @throws IOException if a sync fails.
     */
    public void flushSnapshot(final long offset) throws IOException {
        ProducerStateSnapshotFile.force(dir, offset);
    }

    /**
     * For {@code Log.truncateTo(offset)}: deletes the snapshots above {@code offset} and clears the state. The Log
     * then calls {@link #loadFromSnapshot loadFromSnapshot(logStartOffset, offset)} and replays.
     *
     * @param offset the new log end offset.
     * @throws IOException if a snapshot cannot be deleted.
     */
    public void truncateTo(final long offset) throws IOException {
        checkOpen();
        deleteSnapshotsAfter(offset);
        clearState();
    }

    /**
     * For a log emptied and restarted at {@code offset} (a follower far behind the leader's log start): deletes
     * every snapshot and clears the state.
     *
     * @param offset the new log start and end offset.
     * @throws IOException if a snapshot cannot be deleted.
     */
    public void truncateFullyAndStartAt(final long offset) throws IOException {
        checkOpen();
        if (deleteSnapshots(snapshots.keySet().toArray(new Long[0])) > 0) {
            // A snapshot resurrected by a crash would describe the log that was just discarded.
            ProducerStateSnapshotFile.forceDirectory(dir);
        }
        clearState();
        mapEndOffset = offset;
    }

    /**
     * Deletes the snapshots below {@code offset} (retention moved the log start there). The in-memory state is
     * kept, as in Kafka: a producer whose batches were deleted stays known until it expires.
     *
     * @param offset the new log start offset; a snapshot at exactly this offset is kept.
     * @throws IOException if a snapshot cannot be deleted.
     */
    public void deleteSnapshotsBefore(final long offset) throws IOException {
        checkOpen();
        deleteSnapshots(snapshots.headMap(offset).keySet().toArray(new Long[0]));
    }

    private void deleteSnapshotsAfter(final long offset) throws IOException {
        final int deleted = deleteSnapshots(snapshots.tailMap(offset, false).keySet().toArray(new Long[0]));
        if (deleted > 0) {
            // A deleted snapshot resurrected by a crash would describe log content that no longer exists.
            ProducerStateSnapshotFile.forceDirectory(dir);
            LOG.info("Deleted {} producer snapshots above offset {} in {}", deleted, offset, dir);
        }
    }

    private int deleteSnapshots(final Long[] offsets) throws IOException {
        int deleted = 0;
        for (final Long offset : offsets) {
            final Path file = snapshots.remove(offset);
            if (file != null) {
                Files.deleteIfExists(file);
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * @return offset of the newest snapshot file, or -1 if there is none. Any thread.
     */
    public long latestSnapshotOffset() {
        final Map.Entry<Long, Path> latest = snapshots.lastEntry();
        return latest == null ? -1L : latest.getKey();
    }

    /**
     * @return offset of the oldest snapshot file, or -1 if there is none. Any thread.
     */
    public long oldestSnapshotOffset() {
        final Map.Entry<Long, Path> oldest = snapshots.firstEntry();
        return oldest == null ? -1L : oldest.getKey();
    }

    /**
     * @return number of producers with state. Any thread.
     */
    public int activeProducers() {
        return activeProducers;
    }

    /**
     * The offset up to which the state is known: the end of the loaded snapshot or of the last batch passed to
     * {@link #update}, whichever is higher. A snapshot can only be taken at or above it.
     *
     * @return the offset after the last batch recorded.
     */
    public long mapEndOffset() {
        return mapEndOffset;
    }

    /**
     * Drops the producers idle for at least {@value #PRODUCER_ID_EXPIRATION_MS_CONFIG}: those whose last append
     * time (see the class comment for reloaded producers) is at or before {@code nowMs - producerIdExpirationMs}.
     *
     * @param nowMs the current time in ms.
     */
    public void removeExpiredProducers(final long nowMs) {
        for (final ProducerStateEntry entry : producers.values()) {
            if (isExpired(entry.lastUpdateMs(), nowMs)) {
                expired.add(entry);
            }
        }
        final int count = expired.size();
        for (int i = 0; i < count; i++) {
            producers.remove(expired.get(i).producerId());
        }
        expired.clear();
        activeProducers = producers.size();
    }

    private boolean isExpired(final long lastUpdateMs, final long nowMs) {
        // Subtracting from nowMs, not lastUpdateMs: a timestamp read from a snapshot may be any long.
        return lastUpdateMs <= nowMs - producerIdExpirationMs;
    }

    /**
     * @param producerId a producer id.
     * @return true if the producer has state.
     */
    public boolean contains(final long producerId) {
        return producers.containsKey(producerId);
    }

    /**
     * The producer's epoch, e.g. for InitProducerId or tools.
     *
     * @param producerId a producer id.
     * @return its epoch, or {@link #NO_PRODUCER_EPOCH} if it has no state.
     */
    public short producerEpoch(final long producerId) {
        final ProducerStateEntry entry = producers.get(producerId);
        return entry == null ? NO_PRODUCER_EPOCH : entry.producerEpoch();
    }

    /**
     * @param producerId a producer id.
     * @return last sequence of its newest retained batch, or {@link #NO_SEQUENCE} if none.
     */
    public int lastSequence(final long producerId) {
        final ProducerStateEntry entry = producers.get(producerId);
        return entry == null ? NO_SEQUENCE : entry.lastSequence();
    }

    /**
     * @param producerId a producer id.
     * @return the time expiry counts from, or -1 if it has no state.
     */
    public long lastUpdateMs(final long producerId) {
        final ProducerStateEntry entry = producers.get(producerId);
        return entry == null ? -1L : entry.lastUpdateMs();
    }

    /**
     * @param producerId a producer id.
     * @return number of its retained batches (0 to 5); 0 if it has no state.
     */
    public int batchCount(final long producerId) {
        final ProducerStateEntry entry = producers.get(producerId);
        return entry == null ? 0 : entry.batchCount();
    }

    /**
     * Copies one retained batch of a producer.
     *
     * @param producerId a producer id.
     * @param index      0 for the oldest retained batch, up to {@code batchCount(producerId) - 1} for the newest.
     * @param out        receives the batch.
     * @return false (and {@code out} unchanged) if there is no such batch.
     */
    public boolean batch(final long producerId, final int index, final ProducerStateResult out) {
        final ProducerStateEntry entry = producers.get(producerId);
        if (entry == null || index < 0 || index >= entry.batchCount()) {
            return false;
        }
        entry.copyBatch(index, out);
        return true;
    }

    /**
     * Copies the newest retained batch of a producer.
     *
     * @param producerId a producer id.
     * @param out        receives the batch.
     * @return false (and {@code out} unchanged) if the producer has no batch.
     */
    public boolean lastBatch(final long producerId, final ProducerStateResult out) {
        return batch(producerId, batchCount(producerId) - 1, out);
    }

    /**
     * Clears the in-memory state; snapshot files stay. Idempotent. Only the queries that any thread may call work
     * afterwards.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            clearState();
        }
    }

    private void clearState() {
        producers.clear();
        activeProducers = 0;
        mapEndOffset = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Producer state is closed dir=" + dir);
        }
    }

    private static void logCorruptSnapshot(final Throwable ex) {
        LOG.warn("Skipped corrupt producer snapshot, falling back to an older one or to the log: {}",
            ex.getMessage());
    }

    /**
     * @return true if {@code nextSeq} follows {@code lastSeq}; sequences wrap from {@link Integer#MAX_VALUE} to 0
     *     (Kafka {@code ProducerAppendInfo.inSequence}).
     */
    static boolean inSequence(final int lastSeq, final int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /**
     * @return {@code sequence + increment} in the sequence space {@code [0, Integer.MAX_VALUE]}, wrapping to 0.
     */
    static int incrementSequence(final int sequence, final int increment) {
        final long sum = (long) sequence + increment;
        return sum > Integer.MAX_VALUE ? (int) (sum - Integer.MAX_VALUE - 1) : (int) sum;
    }

    /**
     * @return {@code sequence - decrement} in the sequence space {@code [0, Integer.MAX_VALUE]}, wrapping from 0.
     */
    static int decrementSequence(final int sequence, final int decrement) {
        final long difference = (long) sequence - decrement;
        return difference < 0 ? (int) (difference + Integer.MAX_VALUE + 1) : (int) difference;
    }

    @Override
    public String toString() {
        return "ProducerStateManager{dir=" + dir + ", activeProducers=" + activeProducers + ", mapEndOffset="
            + mapEndOffset + ", snapshots=" + snapshots.keySet() + '}';
    }
}
