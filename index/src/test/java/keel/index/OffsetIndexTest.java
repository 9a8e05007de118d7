package keel.index;

import keel.index.testing.Allocations;
import keel.index.testing.FailingFileAllocator;
import keel.index.testing.FileBlocks;
import keel.index.testing.RawIndexFiles;
import keel.index.testing.WriterReaderRace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetIndexTest {
    private static final long BASE = 1000;
    private static final int MAX_SIZE = 10 * OffsetIndexFormat.ENTRY_SIZE;

    @TempDir
    Path dir;

    private Path file;
    private OffsetIndex index;
    private final OffsetPosition result = new OffsetPosition();

    @AfterEach
    void closeIndex() throws IOException {
        if (index != null) {
            index.close();
        }
    }

    private OffsetIndex openWritable(final int maxSizeBytes) throws IOException {
        file = dir.resolve(OffsetIndexFormat.fileName(BASE));
        index = OffsetIndex.open(file, BASE, maxSizeBytes, true, FileAllocator.SYSTEM);
        return index;
    }

    private OffsetIndex reopen(final boolean writable) throws IOException {
        index.close();
        index = OffsetIndex.open(file, BASE, MAX_SIZE, writable, FileAllocator.SYSTEM);
        return index;
    }

    /** Entries (1010, 100), (1020, 200), (1030, 300). */
    private OffsetIndex openWithThreeEntries() throws IOException {
        openWritable(MAX_SIZE);
        index.append(1010, 100);
        index.append(1020, 200);
        index.append(1030, 300);
        return index;
    }

    private void assertLookup(final long target, final long expectedOffset, final int expectedPosition) {
        index.lookup(target, result);
        assertEquals(expectedOffset, result.offset(), "offset for target " + target);
        assertEquals(expectedPosition, result.position(), "position for target " + target);
    }

    @Test
    void shouldReturnBaseWhenEmpty() throws IOException {
        openWritable(MAX_SIZE);
        assertLookup(BASE, BASE, 0);
        assertLookup(BASE + 100, BASE, 0);
        assertEquals(0, index.entries());
        assertEquals(BASE, index.lastOffset());
        assertEquals(0, index.sizeInBytes());
    }

    @Test
    void shouldReturnBaseWhenTargetBeforeFirstEntry() throws IOException {
        openWithThreeEntries();
        assertLookup(1009, BASE, 0);
        assertLookup(BASE, BASE, 0);
        assertLookup(0, BASE, 0);
        assertLookup(Long.MIN_VALUE, BASE, 0);
    }

    @Test
    void shouldReturnEntryWhenTargetExact() throws IOException {
        openWithThreeEntries();
        assertLookup(1010, 1010, 100);
        assertLookup(1020, 1020, 200);
        assertLookup(1030, 1030, 300);
    }

    @Test
    void shouldReturnLowerEntryWhenTargetBetween() throws IOException {
        openWithThreeEntries();
        assertLookup(1011, 1010, 100);
        assertLookup(1029, 1020, 200);
    }

    @Test
    void shouldReturnLastEntryWhenTargetAfterLast() throws IOException {
        openWithThreeEntries();
        assertLookup(1031, 1030, 300);
        assertLookup(BASE + Integer.MAX_VALUE + 10L, 1030, 300);
        assertLookup(Long.MAX_VALUE, 1030, 300);
    }

    @Test
    void shouldExposeEntriesWhenAppended() throws IOException {
        openWithThreeEntries();
        assertEquals(3, index.entries());
        assertEquals(1030, index.lastOffset());
        assertEquals(24, index.sizeInBytes());
        assertEquals(20, index.relativeOffset(1));
        assertEquals(1020, index.offset(1));
        assertEquals(200, index.position(1));
        index.lookupEntry(2, result);
        assertEquals(1030, result.offset());
        assertEquals(300, result.position());
    }

    @Test
    void shouldRejectEntryNumberWhenNotBelowEntries() throws IOException {
        openWithThreeEntries();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> index.lookupEntry(3, result));
        assertEquals("Attempt to fetch entry 3 from index file " + file + " which has 3 entries", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.position(-1));
    }

    @Test
    void shouldRejectAppendWhenOffsetNotLargerThanLast() throws IOException {
        openWithThreeEntries();
        final InvalidIndexAppendException ex = assertThrows(InvalidIndexAppendException.class,
            () -> index.append(1030, 400));
        assertEquals("Attempt to append an offset (1030) to position 3 no larger than the last offset appended (1030)"
            + " to " + file, ex.getMessage());
        assertEquals(1030, ex.offset());
        assertEquals(1030, ex.lastOffset());
        assertEquals(file, ex.file());
        assertThrows(InvalidIndexAppendException.class, () -> index.append(1025, 400));
        assertEquals(3, index.entries());
    }

    @Test
    void shouldRejectAppendWhenRelativeOffsetOverflows() throws IOException {
        openWritable(MAX_SIZE);
        final long tooLarge = BASE + Integer.MAX_VALUE + 1L;
        final InvalidIndexAppendException ex = assertThrows(InvalidIndexAppendException.class,
            () -> index.append(tooLarge, 0));
        assertEquals("Attempt to append an offset (" + tooLarge + ") to index file " + file + " with base offset "
            + BASE + ": the relative offset (offset - base offset) must be in [0, 2147483647]", ex.getMessage());
        assertEquals(tooLarge, ex.offset());
        assertEquals(BASE, ex.lastOffset());
        assertEquals(0, index.entries());

        index.append(BASE + Integer.MAX_VALUE, 0);
        assertEquals(BASE + Integer.MAX_VALUE, index.lastOffset());
    }

    @Test
    void shouldRejectAppendWhenOffsetBelowBase() throws IOException {
        openWritable(MAX_SIZE);
        assertThrows(InvalidIndexAppendException.class, () -> index.append(BASE - 1, 0));
        index.append(BASE, 0);
        assertEquals(1, index.entries());
    }

    @Test
    void shouldRejectAppendWhenPositionDecreases() throws IOException {
        openWithThreeEntries();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> index.append(1040, 299));
        assertEquals("Attempt to append position 299 for offset 1040 to " + file
            + ", below the last position appended (300)", ex.getMessage());
        index.append(1040, 300);
        assertEquals(4, index.entries());
    }

    @Test
    void shouldThrowWhenAppendingToFullIndex() throws IOException {
        openWritable(3 * OffsetIndexFormat.ENTRY_SIZE + 5);
        assertEquals(3, index.maxEntries());
        index.append(1001, 1);
        index.append(1002, 2);
        assertFalse(index.isFull());
        index.append(1003, 3);
        assertTrue(index.isFull());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> index.append(1004, 4));
        assertEquals("Attempt to append to a full index file " + file + " (entries=3, maxEntries=3)", ex.getMessage());
    }

    @Test
    void shouldRejectOpenWhenMaxSizeBelowEntrySize() {
        final Path path = dir.resolve("tiny.index");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> OffsetIndex.open(path, BASE, 7, true, FileAllocator.SYSTEM));
        assertEquals("Invalid max index size: maxIndexSizeBytes=7 is less than the entry size 8, file=" + path,
            ex.getMessage());
    }

    @Test
    void shouldRemoveEntriesFromOffsetWhenTruncatingInMiddle() throws IOException {
        openWithThreeEntries();
        index.truncateTo(1025);
        assertEquals(2, index.entries());
        assertEquals(1020, index.lastOffset());
        assertLookup(1040, 1020, 200);
    }

    @Test
    void shouldRemoveExactEntryWhenTruncatingToIndexedOffset() throws IOException {
        openWithThreeEntries();
        index.truncateTo(1020);
        assertEquals(1, index.entries());
        assertEquals(1010, index.lastOffset());
    }

    @Test
    void shouldRemoveAllWhenTruncatingBeforeFirstEntry() throws IOException {
        openWithThreeEntries();
        index.truncateTo(1005);
        assertEquals(0, index.entries());
        assertEquals(BASE, index.lastOffset());
        assertLookup(1030, BASE, 0);
    }

    @Test
    void shouldKeepAllWhenTruncatingAfterLastEntry() throws IOException {
        openWithThreeEntries();
        index.truncateTo(1031);
        assertEquals(3, index.entries());
        index.truncateTo(Long.MAX_VALUE);
        assertEquals(3, index.entries());
    }

    @Test
    void shouldAppendAgainWhenTruncated() throws IOException {
        openWithThreeEntries();
        index.truncateTo(1020);
        index.append(1015, 150);
        assertLookup(1029, 1015, 150);
        index.truncate();
        assertEquals(0, index.entries());
        index.append(1001, 10);
        assertLookup(1029, 1001, 10);
    }

    @Test
    void shouldPreallocateRealBlocksWhenOpenedWritable() throws IOException {
        openWritable(8192 + 3);
        assertEquals(8192, Files.size(file));
        assertTrue(FileBlocks.allocatedBytes(file) >= 8192, "allocated " + FileBlocks.allocatedBytes(file));
        assertEquals(1024, index.maxEntries());
    }

    @Test
    void shouldTrimToEntriesWhenClosed() throws IOException {
        openWithThreeEntries();
        index.close();
        assertEquals(24, Files.size(file));
        index.close();
        assertEquals(24, Files.size(file));
    }

    @Test
    void shouldReadSameEntriesWhenReopened() throws IOException {
        openWithThreeEntries();
        reopen(true);
        assertEquals(3, index.entries());
        assertEquals(10, index.maxEntries());
        assertEquals(1030, index.lastOffset());
        assertLookup(1025, 1020, 200);
        index.append(1040, 400);
        assertEquals(4, index.entries());
    }

    @Test
    void shouldLookUpButNotAppendWhenReopenedReadOnly() throws IOException {
        openWithThreeEntries();
        reopen(false);
        assertFalse(index.isWritable());
        assertEquals(3, index.entries());
        assertTrue(index.isFull());
        assertLookup(1025, 1020, 200);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> index.append(1040, 400));
        assertEquals("index file " + file + " is read-only", ex.getMessage());
        assertThrows(IllegalStateException.class, () -> index.truncateTo(1010));
        index.flush();
        index.close();
        assertEquals(24, Files.size(file));
    }

    @Test
    void shouldCreateEmptyIndexWhenOpeningMissingFileReadOnly() throws IOException {
        final Path missing = dir.resolve("missing.index");
        try (OffsetIndex index = OffsetIndex.open(missing, BASE, MAX_SIZE, false, FileAllocator.SYSTEM)) {
            assertEquals(0, index.entries());
            assertEquals(0, Files.size(missing));
        }
    }

    @Test
    void shouldAcceptAppendsWhenReadOnlyIndexIsMadeWritable() throws IOException {
        final Path file = dir.resolve("reopened.index");
        try (OffsetIndex index = OffsetIndex.open(file, BASE, MAX_SIZE, true, FileAllocator.SYSTEM)) {
            index.append(BASE + 5, 100);
        }
        try (OffsetIndex index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM)) {
            index.makeWritable(MAX_SIZE);
            index.append(BASE + 9, 200);
            final OffsetPosition found = new OffsetPosition();
            index.lookup(BASE + 9, found);
            assertEquals(200, found.position());
            assertEquals(2, index.entries());
        }
        assertEquals(16, Files.size(file));
    }

    @Test
    void shouldOpenEmptyFileReadOnly() throws IOException {
        file = dir.resolve("empty.index");
        Files.createFile(file);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        assertEquals(0, index.entries());
        assertLookup(2000, BASE, 0);
        index.sanityCheck();
    }

    @Test
    void shouldAcceptAppendsWhenTrimmedIndexResized() throws IOException {
        openWithThreeEntries();
        index.trimToValidSize();
        assertEquals(24, Files.size(file));
        assertTrue(index.isFull());
        assertLookup(1025, 1020, 200);

        index.resize(MAX_SIZE * 2);
        assertEquals(20, index.maxEntries());
        assertEquals(MAX_SIZE * 2, Files.size(file));
        assertTrue(FileBlocks.allocatedBytes(file) >= MAX_SIZE * 2);
        assertEquals(3, index.entries());
        index.append(1040, 400);
        assertLookup(1045, 1040, 400);
        assertLookup(1015, 1010, 100);
    }

    @Test
    void shouldFlushWhenTrimmedBelowMapping() throws IOException {
        openWithThreeEntries();
        index.trimToValidSize();
        index.flush();
        assertLookup(1035, 1030, 300);
        assertEquals(24, Files.size(file));
    }

    @Test
    void shouldKeepAllEntriesWhenExistingFileLongerThanMaxSize() throws IOException {
        file = dir.resolve("long.index");
        final int[] offsets = new int[12];
        final int[] positions = new int[12];
        for (int i = 0; i < 12; i++) {
            offsets[i] = i + 1;
            positions[i] = 10 * i;
        }
        RawIndexFiles.writeOffsetIndex(file, offsets, positions, 0);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, true, FileAllocator.SYSTEM);
        assertEquals(12, index.entries());
        assertEquals(12, index.maxEntries());
        assertTrue(index.isFull());
        assertLookup(2000, 1012, 110);
        index.sanityCheck();
    }

    @Test
    void shouldShrinkFileWhenResizedSmaller() throws IOException {
        openWithThreeEntries();
        index.resize(4 * OffsetIndexFormat.ENTRY_SIZE + 1);
        assertEquals(4, index.maxEntries());
        assertEquals(32, Files.size(file));
        index.append(1040, 400);
        assertTrue(index.isFull());
        assertLookup(2000, 1040, 400);
    }

    @Test
    void shouldRejectResizeWhenSmallerThanEntries() throws IOException {
        openWithThreeEntries();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> index.resize(23));
        assertEquals("Cannot resize index file " + file + " to newMaxSizeBytes=23: it holds 3 entries of 8 bytes",
            ex.getMessage());
    }

    @Test
    void shouldStartOverWhenReset() throws IOException {
        openWithThreeEntries();
        index.trimToValidSize();
        index.reset();
        assertEquals(0, index.entries());
        assertEquals(10, index.maxEntries());
        assertEquals(MAX_SIZE, Files.size(file));
    }

    @Test
    void shouldSurfaceAllocationFailureWhenResizing() throws IOException {
        file = dir.resolve(OffsetIndexFormat.fileName(BASE));
        final FailingFileAllocator allocator = new FailingFileAllocator(FileAllocator.SYSTEM);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, true, allocator);
        index.append(1001, 1);
        index.trimToValidSize();
        allocator.failing(true);
        final IOException ex = assertThrows(IOException.class, () -> index.resize(MAX_SIZE));
        assertTrue(ex.getMessage().contains("No space left on device"), ex.getMessage());
        assertLookup(2000, 1001, 1);
    }

    @Test
    void shouldNotCreateIndexWhenAllocationFails() {
        final Path path = dir.resolve("full.index");
        final FileAllocator allocator = new FailingFileAllocator(FileAllocator.SYSTEM).failing(true);
        assertThrows(IOException.class, () -> OffsetIndex.open(path, BASE, MAX_SIZE, true, allocator));
    }

    @Test
    void shouldPassSanityCheckWhenEntriesValid() throws IOException {
        openWithThreeEntries();
        index.sanityCheck();
        reopen(false).sanityCheck();
    }

    @Test
    void shouldFailSanityCheckWhenSizeNotMultipleOfEntrySize() throws IOException {
        file = dir.resolve("torn.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {1, 2}, new int[] {10, 20}, 5);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, true, FileAllocator.SYSTEM);
        assertEquals(2, index.entries());
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt index found, index file (" + file + ") has size 21 bytes which is not a multiple of "
            + "the entry size 8", ex.getMessage());
        assertEquals(file, ex.file());
        assertEquals(ex.getMessage(), ex.reason());

        index.truncate();
        index.sanityCheck();
    }

    @Test
    void shouldFailSanityCheckWhenReadOnlySizeNotMultipleOfEntrySize() throws IOException {
        file = dir.resolve("torn.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {1}, new int[] {10}, 7);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        assertEquals(1, index.entries());
        assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
    }

    @Test
    void shouldFailSanityCheckWhenLastOffsetBelowBase() throws IOException {
        file = dir.resolve("below.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {-5}, new int[] {0}, 0);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt index found, index file (" + file + ") has non-zero size but the last offset is 995 "
            + "which is less than the base offset 1000", ex.getMessage());
    }

    @Test
    void shouldFailSanityCheckWhenFirstOffsetBelowBase() throws IOException {
        file = dir.resolve("first.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {-5, 3}, new int[] {0, 10}, 0);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt index found, index file (" + file + ") has non-zero size but the first offset is 995 "
            + "which is less than the base offset 1000", ex.getMessage());
    }

    @Test
    void shouldFailSanityCheckWhenOffsetsNotIncreasing() throws IOException {
        file = dir.resolve("order.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {1, 5, 5, 9}, new int[] {0, 10, 20, 30}, 0);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt index found, index file (" + file + ") has entry 2 with offset 1005 which is not larger "
            + "than the offset 1005 of entry 1", ex.getMessage());
    }

    @Test
    void shouldFailSanityCheckWhenPositionsDecrease() throws IOException {
        file = dir.resolve("positions.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {1, 5, 7}, new int[] {0, 20, 10}, 0);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt index found, index file (" + file + ") has entry 2 with position 10 which is less than "
            + "the position 20 of entry 1", ex.getMessage());
    }

    @Test
    void shouldFailSanityCheckWhenPreallocatedZerosLeftByCrash() throws IOException {
        file = dir.resolve("crashed.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {3, 6}, new int[] {100, 200}, 6 * OffsetIndexFormat.ENTRY_SIZE);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, true, FileAllocator.SYSTEM);
        assertEquals(8, index.entries());
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt index found, index file (" + file + ") has entry 2 with offset 1000 which is not larger "
            + "than the offset 1006 of entry 1", ex.getMessage());
    }

    @Test
    void shouldReadKafkaLayoutWhenWrittenByHand() throws IOException {
        file = dir.resolve("kafka.index");
        RawIndexFiles.writeOffsetIndex(file, new int[] {0, 42, 1 << 20}, new int[] {0, 4096, 1 << 30}, 0);
        index = OffsetIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        assertLookup(BASE + 100, BASE + 42, 4096);
        assertLookup(BASE + (1 << 20), BASE + (1 << 20), 1 << 30);
    }

    @Test
    void shouldWriteBigEndianRelativeOffsetThenPositionWhenAppending() throws IOException {
        openWritable(MAX_SIZE);
        index.append(BASE + 5, 7);
        index.append(BASE + 0x01020304L, 0x0A0B0C0D);
        index.close();

        final byte[] bytes = Files.readAllBytes(file);
        assertEquals(2 * OffsetIndexFormat.ENTRY_SIZE, bytes.length);
        final byte[] expected = {
            0, 0, 0, 5, 0, 0, 0, 7,
            1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D,
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], bytes[i], "byte " + i);
        }
        final ByteBuffer buffer = RawIndexFiles.readAll(file);
        assertEquals(5, buffer.getInt(OffsetIndexFormat.RELATIVE_OFFSET_OFFSET));
        assertEquals(7, buffer.getInt(OffsetIndexFormat.POSITION_OFFSET));
    }

    @Test
    void shouldThrowWhenUsedAfterClose() throws IOException {
        openWithThreeEntries();
        index.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> index.lookup(1020, result));
        assertEquals("index file " + file + " is closed", ex.getMessage());
        assertThrows(IllegalStateException.class, () -> index.append(1040, 400));
        index.flush();
    }

    @Test
    void shouldDeleteFileWhenClosedAndDeleted() throws IOException {
        openWithThreeEntries();
        index.closeAndDelete();
        assertFalse(Files.exists(file));
        assertThrows(NoSuchFileException.class, () -> index.closeAndDelete());
        assertFalse(index.deleteIfExists());
    }

    @Test
    void shouldDeleteFileWhenDeleteIfExists() throws IOException {
        openWithThreeEntries();
        assertTrue(index.deleteIfExists());
        assertFalse(Files.exists(file));
    }

    @Test
    void shouldKeepWorkingWhenRenamed() throws IOException {
        openWithThreeEntries();
        final Path target = dir.resolve(OffsetIndexFormat.fileName(BASE) + SegmentFileNames.DELETED_SUFFIX);
        index.renameTo(target);
        assertEquals(target, index.file());
        assertFalse(Files.exists(file));
        index.append(1040, 400);
        assertLookup(1050, 1040, 400);
        index.close();
        assertEquals(32, Files.size(target));
    }

    @Test
    void shouldNotAllocateWhenLookingUp() throws IOException {
        openWritable(8192);
        for (int i = 1; i <= 1000; i++) {
            index.append(BASE + 7L * i, 100 * i);
        }
        final long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                index.lookup(BASE + i, result);
            }
        });
        assertEquals(0, allocated, "bytes allocated by 10000 lookups");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void shouldMatchTreeMapWhenRandomOperations(final long seed) throws IOException {
        final Random random = new Random(seed);
        final long base = random.nextBoolean() ? random.nextInt(10_000) : (1L << 40) + random.nextInt(10_000);
        final int maxSize = OffsetIndexFormat.ENTRY_SIZE * (5 + random.nextInt(60));
        final Path path = dir.resolve(OffsetIndexFormat.fileName(base));
        final TreeMap<Long, Integer> oracle = new TreeMap<>();
        index = OffsetIndex.open(path, base, maxSize, true, FileAllocator.SYSTEM);
        for (int op = 0; op < 600; op++) {
            final String where = "seed=" + seed + " op=" + op;
            final long last = oracle.isEmpty() ? base : oracle.lastKey();
            final int lastPosition = oracle.isEmpty() ? 0 : oracle.lastEntry().getValue();
            final int choice = random.nextInt(100);
            if (choice < 45) {
                final long offset = (oracle.isEmpty() ? base : last + 1) + random.nextInt(50);
                final int position = lastPosition + random.nextInt(200);
                if (index.isFull()) {
                    assertThrows(IllegalStateException.class, () -> index.append(offset, position), where);
                } else {
                    index.append(offset, position);
                    oracle.put(offset, position);
                }
            } else if (choice < 50 && !oracle.isEmpty()) {
                final long offset = last - random.nextInt(3);
                final Class<? extends RuntimeException> expected = index.isFull()
                    ? IllegalStateException.class : InvalidIndexAppendException.class;
                assertThrows(expected, () -> index.append(offset, lastPosition), where);
            } else if (choice < 58) {
                final long offset = base - 5 + (long) random.nextInt((int) (last - base) + 10);
                index.truncateTo(offset);
                oracle.tailMap(offset, true).clear();
            } else if (choice < 60) {
                index.truncate();
                oracle.clear();
            } else if (choice < 65) {
                index.close();
                index = OffsetIndex.open(path, base, maxSize, true, FileAllocator.SYSTEM);
            } else if (choice < 67) {
                index.close();
                index = OffsetIndex.open(path, base, maxSize, false, FileAllocator.SYSTEM);
                assertMatches(oracle, base, last, random, where);
                index.sanityCheck();
                index.close();
                index = OffsetIndex.open(path, base, maxSize, true, FileAllocator.SYSTEM);
            } else if (choice < 70) {
                final int newSize = oracle.size() * OffsetIndexFormat.ENTRY_SIZE + random.nextInt(maxSize);
                index.resize(newSize);
                assertEquals(newSize / OffsetIndexFormat.ENTRY_SIZE, index.maxEntries(), where);
            } else if (choice < 72) {
                index.trimToValidSize();
                assertEquals(oracle.size() * 8L, Files.size(path), where);
                assertTrue(index.isFull(), where);
            } else {
                assertMatches(oracle, base, last, random, where);
            }
            assertEquals(oracle.size(), index.entries(), where);
            assertEquals(oracle.isEmpty() ? base : oracle.lastKey(), index.lastOffset(), where);
        }
        index.sanityCheck();
    }

    private void assertMatches(final TreeMap<Long, Integer> oracle, final long base, final long last,
                               final Random random, final String where) {
        assertEquals(oracle.size(), index.entries(), where);
        for (int i = 0; i < 20; i++) {
            final long target = base - 3 + (long) random.nextInt((int) (last - base) + 10);
            final Map.Entry<Long, Integer> floor = oracle.floorEntry(target);
            index.lookup(target, result);
            assertEquals(floor == null ? base : floor.getKey(), result.offset(), where + " target=" + target);
            assertEquals(floor == null ? 0 : floor.getValue(), result.position(), where + " target=" + target);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldOnlyReturnPublishedEntriesWhenReaderRacesWriter() throws Exception {
        final int total = 200_000;
        openWritable(1024 * OffsetIndexFormat.ENTRY_SIZE);
        final OffsetPosition found = new OffsetPosition();
        final Random random = new Random(42);
        final long[] previousLast = {BASE};
        WriterReaderRace.run("index-writer", total, k -> {
            if (index.isFull()) {
                // Remapping while the reader searches: the new mapping is published like an entry.
                index.resize(index.maxEntries() * 2 * OffsetIndexFormat.ENTRY_SIZE);
            }
            index.append(BASE + 3L * k, 10 * k);
        }, 10_000, () -> {
            final int publishedBefore = index.entries();
            final long target = BASE + random.nextInt(3 * (publishedBefore + 10));
            index.lookup(target, found);
            final int publishedAfter = index.entries();
            if (found.offset() == BASE) {
                assertEquals(0, found.position(), "base result for target " + target);
                assertTrue(publishedBefore == 0 || target < BASE + 3, "missed entries for target " + target);
            } else {
                final long k = (found.offset() - BASE) / 3;
                assertEquals(BASE + 3 * k, found.offset(), "unpublished offset for target " + target);
                assertEquals(10 * k, found.position(), "torn entry for target " + target);
                assertTrue(found.offset() <= target, "offset above target " + target);
                assertTrue(k <= publishedAfter, "entry " + k + " not yet published (" + publishedAfter + ")");
                assertTrue(k >= Math.min(publishedBefore, (target - BASE) / 3), "stale result for target " + target);
            }
            index.lookup(Long.MAX_VALUE, found);
            assertTrue(found.offset() >= previousLast[0], "last entry went backwards");
            previousLast[0] = found.offset();
        });
        assertEquals(total, index.entries());
        index.sanityCheck();
    }
}
