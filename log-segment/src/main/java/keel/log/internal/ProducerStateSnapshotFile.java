package keel.log.internal;

import static keel.log.internal.ProducerStateSnapshotFormat.CRC_COVERED_OFFSET;
import static keel.log.internal.ProducerStateSnapshotFormat.CRC_OFFSET;
import static keel.log.internal.ProducerStateSnapshotFormat.ENTRY_LENGTH;
import static keel.log.internal.ProducerStateSnapshotFormat.HEADER_LENGTH;
import static keel.log.internal.ProducerStateSnapshotFormat.TEMP_FILE_SUFFIX;
import static keel.log.internal.ProducerStateSnapshotFormat.VERSION;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import org.agrona.collections.LongHashSet;

/**
 * Reads and writes producer-state snapshot files in the layout of {@link ProducerStateSnapshotFormat}.
 *
 * <p>Crash behaviour: a snapshot is written to {@code <name>.tmp}, forced, atomically renamed to its final name and
 * the directory is forced, so after a crash a snapshot file is either absent or complete; a leftover temp file is
 * never read. Reading validates length, version, CRC-32C and every value before anything is used.
 *
 * <p>Stateless; thread-safe (callers serialise access to one directory).
 */
final class ProducerStateSnapshotFile {
    /** Entries per write call: about 46 KiB, so writing a large table needs no table-sized buffer. */
    private static final int ENTRIES_PER_WRITE = 1024;

    private ProducerStateSnapshotFile() {
    }

    static Path path(final Path dir, final long offset) {
        return dir.resolve(ProducerStateSnapshotFormat.fileName(offset));
    }

    static Path tempPath(final Path dir, final long offset) {
        return dir.resolve(ProducerStateSnapshotFormat.fileName(offset) + ".tmp");
    }

    static boolean isTempFileName(final String fileName) {
        return fileName.endsWith(TEMP_FILE_SUFFIX);
    }

    /**
     * Writes the snapshot at {@code offset} crash-safely: temp file, fsync, atomic rename over any existing file of
     * the same offset, fsync of the directory.
     *
     * @param dir     the partition directory.
     * @param offset  the offset the state covers up to (exclusive); names the file.
     * @param entries producers to write, in the order to write them.
     * @param count   number of valid elements of {@code entries}.
     * @return the path of the snapshot written.
     * @throws IOException if any step fails; the temp file is then removed and no snapshot file is changed.
     */
    static Path write(final Path dir, final long offset, final ProducerStateEntry[] entries, final int count)
        throws IOException {
        return write(dir, offset, entries, count, true);
    }

    /**
     * Writes the snapshot at {@code offset}: temp file, optional fsync, atomic rename, optional fsync of the
     * directory. Without the syncs (a roll, where the writer must not wait for the disk) a power loss can leave the
     * file empty or torn; its CRC then fails at load and an older snapshot is used, and {@link #force} makes it
     * durable later off the writer's path.
     *
     * @param dir     the partition directory.
     * @param offset  the offset the state covers up to (exclusive); names the file.
     * @param entries producers to write, in the order to write them.
     * @param count   number of valid elements of {@code entries}.
     * @param sync    fsync the file before the rename and the directory after it.
     * @return the path of the snapshot written.
     * @throws IOException if any step fails; the temp file is then removed and no snapshot file is changed.
     */
    static Path write(final Path dir, final long offset, final ProducerStateEntry[] entries, final int count,
                      final boolean sync) throws IOException {
        final Path target = path(dir, offset);
        final Path temp = tempPath(dir, offset);
        boolean renamed = false;
        try {
            writeAndForce(temp, entries, count, sync);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            if (sync) {
                forceDirectory(dir);
            }
        } catch (final IOException | RuntimeException ex) {
            if (!renamed) {
                try {
                    Files.deleteIfExists(temp);
                } catch (final IOException suppressed) {
                    ex.addSuppressed(suppressed);
                }
            }
            throw ex;
        }
        return target;
    }

    /**
     * Makes a snapshot written without sync durable: fsync of the file, then of the directory.
     *
     * @param dir    the partition directory.
     * @param offset the snapshot's offset.
     * @throws IOException if a sync fails; a snapshot deleted in the meantime is not an error.
     */
    static void force(final Path dir, final long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(path(dir, offset), StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (final java.nio.file.NoSuchFileException ignore) {
            // deleted by retention or truncation before the background sync ran: nothing left to make durable
            return;
        }
        forceDirectory(dir);
    }

    private static void writeAndForce(final Path temp, final ProducerStateEntry[] entries, final int count,
                                      final boolean sync) throws IOException {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer =
            ByteBuffer.allocate(HEADER_LENGTH + Math.min(count, ENTRIES_PER_WRITE) * ENTRY_LENGTH);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            // The CRC slot is zero for now and filled in once every covered byte has gone through the CRC.
            buffer.putShort(VERSION).putInt(0).putInt(count);
            int crcFrom = CRC_COVERED_OFFSET;
            for (int i = 0; i < count; i++) {
                if (buffer.remaining() < ENTRY_LENGTH) {
                    flush(channel, buffer, crc, crcFrom);
                    crcFrom = 0;
                }
                putEntry(buffer, entries[i]);
            }
            flush(channel, buffer, crc, crcFrom);

            final ByteBuffer crcBuffer = ByteBuffer.allocate(Integer.BYTES).putInt((int) crc.getValue()).flip();
            while (crcBuffer.hasRemaining()) {
                channel.write(crcBuffer, CRC_OFFSET + crcBuffer.position());
            }
            if (sync) {
                channel.force(true);
            }
        }
    }

    private static void putEntry(final ByteBuffer buffer, final ProducerStateEntry entry) {
        final int batches = entry.batchCount();
        if (batches == 0) {
            ProducerStateSnapshotFormat.putEntry(buffer, entry.producerId(), entry.producerEpoch(),
                ProducerStateManager.NO_SEQUENCE, -1L, 0, entry.lastUpdateMs());
        } else {
            final int last = batches - 1;
            final long lastOffset = entry.lastOffset(last);
            // One timestamp field serves both the batch and expiry. The newer value keeps a producer whose clients
            // send old timestamps (a mirror, a replay) from expiring at the next load while it is still appending.
            ProducerStateSnapshotFormat.putEntry(buffer, entry.producerId(), entry.producerEpoch(),
                entry.lastSequence(last), lastOffset, (int) (lastOffset - entry.firstOffset(last)),
                Math.max(entry.maxTimestampMs(last), entry.lastUpdateMs()));
        }
    }

    private static void flush(final FileChannel channel, final ByteBuffer buffer, final CRC32C crc, final int crcFrom)
        throws IOException {
        crc.update(buffer.array(), crcFrom, buffer.position() - crcFrom);
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /**
     * Forces the directory entry of a rename to disk; without it the rename itself may be lost in a crash
     * (Kafka {@code Utils.flushDir}).
     */
    static void forceDirectory(final Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Reads and fully validates a snapshot.
     *
     * @param file the snapshot file.
     * @return the whole file, big-endian, position 0, to be read with {@link ProducerStateSnapshotFormat}'s
     *     accessors; every entry has been validated.
     * @throws ProducerStateSnapshotException if the file is truncated, of an unknown version, fails its CRC or holds
     *     an impossible value.
     * @throws IOException                    if the file cannot be read.
     */
    static ByteBuffer read(final Path file) throws IOException {
        final ByteBuffer buffer;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final long sizeBytes = channel.size();
            if (sizeBytes < HEADER_LENGTH) {
                throw new ProducerStateSnapshotException("Producer snapshot is truncated: size=" + sizeBytes
                    + " bytes, header needs " + HEADER_LENGTH, file);
            }
            if (sizeBytes > Integer.MAX_VALUE) {
                throw new ProducerStateSnapshotException("Producer snapshot is too large: size=" + sizeBytes
                    + " bytes, max " + Integer.MAX_VALUE, file);
            }
            buffer = ByteBuffer.allocate((int) sizeBytes);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new ProducerStateSnapshotException("Producer snapshot shrank while being read: size="
                        + sizeBytes + " bytes, read=" + buffer.position(), file);
                }
            }
            buffer.flip();
        }
        validate(buffer, file);
        return buffer;
    }

    private static void validate(final ByteBuffer buffer, final Path file) throws ProducerStateSnapshotException {
        final int sizeBytes = buffer.limit();
        final short version = ProducerStateSnapshotFormat.version(buffer);
        if (version != VERSION) {
            throw new ProducerStateSnapshotException("Producer snapshot has unknown version=" + version
                + " (expected " + VERSION + ")", file);
        }

        final int count = ProducerStateSnapshotFormat.entryCount(buffer);
        final long expectedBytes = HEADER_LENGTH + (long) count * ENTRY_LENGTH;
        if (count < 0 || expectedBytes != sizeBytes) {
            throw new ProducerStateSnapshotException("Producer snapshot is truncated or has a bad entry count: entries="
                + count + " need " + expectedBytes + " bytes, size=" + sizeBytes + " bytes", file);
        }

        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), CRC_COVERED_OFFSET, sizeBytes - CRC_COVERED_OFFSET);
        final long storedCrc = ProducerStateSnapshotFormat.crc(buffer);
        if (storedCrc != crc.getValue()) {
            throw new ProducerStateSnapshotException("Producer snapshot CRC mismatch: stored=" + storedCrc
                + " computed=" + crc.getValue(), file);
        }

        final LongHashSet producerIds = new LongHashSet(Math.max(16, count * 2));
        for (int i = 0; i < count; i++) {
            validateEntry(buffer, i, producerIds, file);
        }
    }

    private static void validateEntry(
        final ByteBuffer buffer,
        final int index,
        final LongHashSet producerIds,
        final Path file) throws ProducerStateSnapshotException {
        final long producerId = ProducerStateSnapshotFormat.producerId(buffer, index);
        final int lastSequence = ProducerStateSnapshotFormat.lastSequence(buffer, index);
        final long lastOffset = ProducerStateSnapshotFormat.lastOffset(buffer, index);
        final int offsetDelta = ProducerStateSnapshotFormat.offsetDelta(buffer, index);
        final String where = "Producer snapshot entry index=" + index + " producerId=" + producerId;
        if (producerId < 0) {
            throw new ProducerStateSnapshotException(where + " has a negative producer id", file);
        }
        if (!producerIds.add(producerId)) {
            throw new ProducerStateSnapshotException(where + " appears twice", file);
        }
        if (lastOffset < -1L) {
            throw new ProducerStateSnapshotException(where + " has lastOffset=" + lastOffset + " < -1", file);
        }
        // A batch is present when lastOffset >= 0 (Kafka ProducerStateManager.readSnapshot); its first offset and
        // first sequence are derived from the delta, so both must stay in range.
        if (lastOffset >= 0 && (lastSequence < 0 || offsetDelta < 0 || offsetDelta > lastOffset)) {
            throw new ProducerStateSnapshotException(where + " has an impossible batch: lastSequence=" + lastSequence
                + " lastOffset=" + lastOffset + " offsetDelta=" + offsetDelta, file);
        }
    }
}
