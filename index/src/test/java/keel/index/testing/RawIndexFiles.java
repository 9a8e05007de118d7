package keel.index.testing;

import keel.index.OffsetIndexFormat;
import keel.index.TimeIndexFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes index files byte by byte, bypassing the index classes: files as Kafka or a crash would leave them,
 * including corrupt ones.
 *
 * <p>Stateless: thread-safe.
 */
public final class RawIndexFiles {
    private RawIndexFiles() {
    }

    /**
     * Writes an offset index file.
     *
     * @param file the file, replaced if it exists
     * @param relativeOffsets the relative offset of each entry
     * @param positions the position of each entry
     * @param extraBytes zero bytes appended after the entries (e.g. 3 for a torn tail)
     * @throws IOException if writing fails
     */
    public static void writeOffsetIndex(final Path file, final int[] relativeOffsets, final int[] positions,
                                        final int extraBytes) throws IOException {
        final ByteBuffer bytes = ByteBuffer.allocate(relativeOffsets.length * OffsetIndexFormat.ENTRY_SIZE
            + extraBytes);
        for (int i = 0; i < relativeOffsets.length; i++) {
            final int at = i * OffsetIndexFormat.ENTRY_SIZE;
            bytes.putInt(at + OffsetIndexFormat.RELATIVE_OFFSET_OFFSET, relativeOffsets[i]);
            bytes.putInt(at + OffsetIndexFormat.POSITION_OFFSET, positions[i]);
        }
        Files.write(file, bytes.array());
    }

    /**
     * Writes a time index file.
     *
     * @param file the file, replaced if it exists
     * @param timestamps the timestamp of each entry
     * @param relativeOffsets the relative offset of each entry
     * @param extraBytes zero bytes appended after the entries
     * @throws IOException if writing fails
     */
    public static void writeTimeIndex(final Path file, final long[] timestamps, final int[] relativeOffsets,
                                      final int extraBytes) throws IOException {
        final ByteBuffer bytes = ByteBuffer.allocate(timestamps.length * TimeIndexFormat.ENTRY_SIZE + extraBytes);
        for (int i = 0; i < timestamps.length; i++) {
            final int at = i * TimeIndexFormat.ENTRY_SIZE;
            bytes.putLong(at + TimeIndexFormat.TIMESTAMP_OFFSET, timestamps[i]);
            bytes.putInt(at + TimeIndexFormat.RELATIVE_OFFSET_OFFSET, relativeOffsets[i]);
        }
        Files.write(file, bytes.array());
    }

    /**
     * @param file a file
     * @return its bytes, big-endian, for reading fields at exact positions
     * @throws IOException if reading fails
     */
    public static ByteBuffer readAll(final Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file));
    }
}
