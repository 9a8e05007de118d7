package keel.log.tool;

import keel.log.Log;
import keel.log.LogConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds Keel logs for the tool's tests and damages their files the way crashes and bad disks do.
 */
final class TestLogs {
    /** Name of the first segment's files. */
    static final String FIRST = "00000000000000000000";

    /**
     * Small files, an index entry for every batch after the first (so that a few batches exercise the indexes), and
     * no roll by time (the tests' record timestamps are years old, and {@code segment.ms} counts from them).
     */
    static final LogConfig CONFIG = LogConfig.defaults().with(Map.of(
        LogConfig.SEGMENT_BYTES_CONFIG, "1048576",
        LogConfig.SEGMENT_MS_CONFIG, String.valueOf(Long.MAX_VALUE),
        LogConfig.SEGMENT_INDEX_BYTES_CONFIG, "4096",
        LogConfig.INDEX_INTERVAL_BYTES_CONFIG, "0"));

    private TestLogs() {
    }

    /**
     * Appends batches to the log in {@code dir} (created if missing) and closes it cleanly.
     *
     * @param dir     a directory named {@code <topic>-<partition>}.
     * @param batches the batches, appended one by one.
     * @return the position of each batch in the segment file (all in one segment).
     * @throws IOException if the log cannot be written.
     */
    static List<Integer> write(final Path dir, final ByteBuffer... batches) throws IOException {
        final List<Integer> positions = new ArrayList<>();
        try (Log log = Log.open(dir, CONFIG)) {
            int position = (int) log.sizeInBytes();
            for (final ByteBuffer batch : batches) {
                positions.add(position);
                position += batch.remaining();
                log.append(batch);
            }
        }
        return positions;
    }

    /**
     * @param dir    a partition directory.
     * @param suffix e.g. {@code ".log"}.
     * @return the first segment's file with that suffix.
     */
    static Path first(final Path dir, final String suffix) {
        return dir.resolve(FIRST + suffix);
    }

    /**
     * Inverts one byte of a file.
     *
     * @param file     the file.
     * @param position the byte's position.
     * @throws IOException if the file cannot be changed.
     */
    static void flipByte(final Path file, final long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) ~one.get(0)).rewind();
            channel.write(one, position);
        }
    }

    /**
     * Overwrites a big-endian int of a file.
     *
     * @param file     the file.
     * @param position where.
     * @param value    the new value.
     * @throws IOException if the file cannot be changed.
     */
    static void putInt(final Path file, final long position, final int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(Integer.BYTES).putInt(0, value), position);
        }
    }

    /**
     * Reads a big-endian int of a file.
     *
     * @param file     the file.
     * @param position where.
     * @return the value.
     * @throws IOException if the file cannot be read.
     */
    static int getInt(final Path file, final long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer four = ByteBuffer.allocate(Integer.BYTES);
            channel.read(four, position);
            return four.getInt(0);
        }
    }

    /**
     * Cuts bytes off the end of a file, as a write torn by a crash leaves it.
     *
     * @param file  the file.
     * @param bytes how many bytes to remove.
     * @throws IOException if the file cannot be changed.
     */
    static void cut(final Path file, final int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - bytes);
        }
    }

    /**
     * Appends zero bytes, as the preallocated space of a segment that was not closed cleanly.
     *
     * @param file  the file.
     * @param bytes how many.
     * @throws IOException if the file cannot be changed.
     */
    static void appendZeros(final Path file, final int bytes) throws IOException {
        Files.write(file, new byte[bytes], StandardOpenOption.APPEND);
    }
}
