package keel.log.internal;

import keel.index.FileAllocator;
import keel.log.Compression;
import keel.log.ErrorCode;
import keel.log.RecordBatchBuilder;
import keel.log.RecordBatchFormat;
import keel.log.RecordBatchView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Byte-level crash tests of one segment: torn, corrupt and garbage tails as a killed writer or a bad disk leaves
 * them, recovered with exact accounting of what is kept and what is cut.
 */
class SegmentTest {
    private static final long BASE = 1000L;
    private static final long T0 = 1_700_000_000_000L;
    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final int INDEX_BYTES = 4096;
    private static final int INDEX_INTERVAL = 300;
    private static final int BATCHES = 12;

    @TempDir
    Path tmp;

    private final RecordBatchView view = new RecordBatchView();
    private final List<Integer> positions = new ArrayList<>();
    private final List<Long> baseOffsets = new ArrayList<>();
    private Path dir;
    private Segment segment;
    private long nextOffset = BASE;
    private int dataBytes;

    @BeforeEach
    void createSegment() throws IOException {
        dir = Files.createDirectories(tmp.resolve("live"));
        segment = Segment.create(dir, BASE, SEGMENT_BYTES, INDEX_BYTES, INDEX_INTERVAL, FileAllocator.SYSTEM, T0);
        final Random random = new Random(42);
        for (int i = 0; i < BATCHES; i++) {
            try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
                for (int v = 1 + random.nextInt(5); v > 0; v--) {
                    // a header last, so that every batch ends with a non-zero byte: the bytes recovery reports as
                    // cut are exact only up to trailing zeroes, which look like preallocation
                    builder.append(T0 + random.nextInt(1000), null, ("value-" + i + "-" + v + "-"
                        + "x".repeat(random.nextInt(200))).getBytes(StandardCharsets.UTF_8),
                        new RecordBatchBuilder.Header("h", new byte[] {'v'}));
                }
                append(builder.build());
            }
        }
    }

    @AfterEach
    void releaseSegment() throws IOException {
        if (segment != null) {
            segment.close();
        }
    }

    private void append(final ByteBuffer batch) {
        view.wrap(batch, 0);
        view.setBaseOffset(nextOffset);
        positions.add(dataBytes);
        baseOffsets.add(nextOffset);
        segment.append(batch, 0, batch.remaining(), view.lastOffset(), view.maxTimestamp());
        segment.publish();
        nextOffset = view.lastOffset() + 1;
        dataBytes += batch.remaining();
    }

    /** The files of the open segment as a SIGKILL leaves them: the mapping's writes are in the page cache. */
    private Path crashImage() throws IOException {
        final Path image = Files.createDirectories(tmp.resolve("image"));
        for (final String suffix : new String[] {".log", ".index", ".timeindex"}) {
            final Path file = Segment.file(dir, BASE, suffix);
            Files.copy(file, image.resolve(file.getFileName()));
        }
        return image;
    }

    private RecoveryResult recover(final Path image) throws IOException {
        final Segment recovered = Segment.open(image, BASE, INDEX_BYTES, INDEX_INTERVAL, FileAllocator.SYSTEM, T0);
        try {
            return recovered.recover(new RecordBatchView());
        } finally {
            recovered.close();
        }
    }

    private static void write(final Path file, final long position, final byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static byte[] read(final Path file, final long position, final int length) throws IOException {
        final ByteBuffer bytes = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(bytes, position);
        }
        return bytes.array();
    }

    private static Path logFile(final Path in) {
        return Segment.file(in, BASE, ".log");
    }

    @Test
    void shouldKeepEveryBatchAndCutNothingWhenTheTailIsPreallocatedZeroes() throws IOException {
        final Path image = crashImage();
        assertEquals(SEGMENT_BYTES, Files.size(logFile(image)));

        final RecoveryResult result = recover(image);

        assertEquals(BATCHES, result.batches());
        assertEquals(dataBytes, result.validBytes());
        assertEquals(0, result.truncatedBytes());
        assertEquals(SEGMENT_BYTES - dataBytes, result.preallocatedBytes());
        assertEquals(ErrorCode.NONE, result.reason());
        assertEquals(nextOffset, result.nextOffset());
        assertEquals(dataBytes, Files.size(logFile(image)));
    }

    @Test
    void shouldCutFromTheCorruptBatchAndReportItsBytesWhenACrcFailsInTheMiddle() throws IOException {
        final Path image = crashImage();
        final int bad = 5;
        final int lastByteOfBad = positions.get(bad + 1) - 1;
        final byte original = read(logFile(image), lastByteOfBad, 1)[0];
        write(logFile(image), lastByteOfBad, new byte[] {(byte) (original ^ 0x5A)});

        final RecoveryResult result = recover(image);

        assertEquals(bad, result.batches());
        assertEquals((int) positions.get(bad), result.validBytes());
        assertEquals(dataBytes - positions.get(bad), result.truncatedBytes(), result.toString());
        assertEquals(ErrorCode.CORRUPT_MESSAGE, result.reason());
        assertEquals((long) baseOffsets.get(bad), result.nextOffset());
        assertEquals((long) positions.get(bad), Files.size(logFile(image)));
    }

    @Test
    void shouldCutTheTornBatchWhenTheFileEndsInTheMiddleOfIt() throws IOException {
        segment.close();
        segment = null;
        final Path file = logFile(dir);
        assertEquals(dataBytes, Files.size(file), "a closed segment is trimmed to its batches");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(dataBytes - 10);
        }

        final RecoveryResult result = recover(dir);

        assertEquals(BATCHES - 1, result.batches());
        assertEquals(dataBytes - 10 - positions.get(BATCHES - 1), result.truncatedBytes());
        assertEquals(ErrorCode.CORRUPT_MESSAGE, result.reason());
        assertEquals((long) baseOffsets.get(BATCHES - 1), result.nextOffset());
        assertEquals((long) positions.get(BATCHES - 1), Files.size(file));
    }

    @Test
    void shouldCutExactlyTheGarbageWhenRandomBytesFollowTheLastBatch() throws IOException {
        final Path image = crashImage();
        final byte[] garbage = new byte[1000];
        final Random random = new Random(7);
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (1 + random.nextInt(255));
        }
        write(logFile(image), dataBytes, garbage);

        final RecoveryResult result = recover(image);

        assertEquals(BATCHES, result.batches());
        assertEquals(dataBytes, result.validBytes());
        assertEquals(garbage.length, result.truncatedBytes(), result.toString());
        assertEquals(SEGMENT_BYTES - dataBytes - garbage.length, result.preallocatedBytes());
        assertEquals(nextOffset, result.nextOffset());
        assertEquals(dataBytes, Files.size(logFile(image)));
    }

    @Test
    void shouldCutTheBatchWhoseOffsetsGoBackwardsWhenRecovering() throws IOException {
        final Path image = crashImage();
        final int bad = 3;
        // baseOffset is outside the CRC: the batch is intact but its offsets overlap the previous batch's
        final ByteBuffer offset = ByteBuffer.allocate(RecordBatchFormat.BASE_OFFSET_LENGTH)
            .putLong(0, baseOffsets.get(bad) - 1);
        write(logFile(image), positions.get(bad) + RecordBatchFormat.BASE_OFFSET_OFFSET, offset.array());

        final RecoveryResult result = recover(image);

        assertEquals(bad, result.batches());
        assertEquals(ErrorCode.INVALID_RECORD, result.reason());
        assertEquals(dataBytes - positions.get(bad), result.truncatedBytes());
        assertEquals((long) baseOffsets.get(bad), result.nextOffset());
    }

    @Test
    void shouldRebuildTheIndexesTheAppendsWroteWhenRecovering() throws IOException {
        final Path image = crashImage();
        segment.close();
        segment = null;

        recover(image);

        for (final String suffix : new String[] {".index", ".timeindex"}) {
            assertArrayEquals(Files.readAllBytes(Segment.file(dir, BASE, suffix)),
                Files.readAllBytes(Segment.file(image, BASE, suffix)), suffix + " rebuilt differs from the one written");
        }
        assertEquals(INDEX_INTERVAL < dataBytes, Files.size(Segment.file(dir, BASE, ".index")) > 0);
    }

    @Test
    void shouldRecoverAnEmptySegmentWhenTheCrashCameBeforeAnyBlockWasAllocated() throws IOException {
        final Path image = Files.createDirectories(tmp.resolve("empty"));
        Files.createFile(logFile(image));

        final RecoveryResult result = recover(image);

        assertEquals(0, result.batches());
        assertEquals(0, result.truncatedBytes());
        assertEquals(BASE, result.nextOffset());
    }

    @Test
    void shouldRefuseToOverwriteWhenTheSegmentFileExists() {
        final IOException thrown = assertThrows(IOException.class, () -> Segment.create(dir, BASE, SEGMENT_BYTES,
            INDEX_BYTES, INDEX_INTERVAL, FileAllocator.SYSTEM, T0));
        assertEquals("Segment file already exists: " + logFile(dir) + "; refusing to overwrite it",
            thrown.getMessage());
    }
}
