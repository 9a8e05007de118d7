package keel.index;

import keel.index.testing.Allocations;
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
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeIndexTest {
    private static final long BASE = 1000;
    private static final int MAX_SIZE = 10 * TimeIndexFormat.ENTRY_SIZE;
    private static final long NO_TIMESTAMP = TimeIndex.NO_TIMESTAMP;

    @TempDir
    Path dir;

    private Path file;
    private TimeIndex index;
    private final TimestampOffset result = new TimestampOffset();

    @AfterEach
    void closeIndex() throws IOException {
        if (index != null) {
            index.close();
        }
    }

    private TimeIndex openWritable(final int maxSizeBytes) throws IOException {
        file = dir.resolve(TimeIndexFormat.fileName(BASE));
        index = TimeIndex.open(file, BASE, maxSizeBytes, true, FileAllocator.SYSTEM);
        return index;
    }

    private TimeIndex reopen(final boolean writable) throws IOException {
        index.close();
        index = TimeIndex.open(file, BASE, MAX_SIZE, writable, FileAllocator.SYSTEM);
        return index;
    }

    /** Entries (100, 1010), (200, 1020), (300, 1030). */
    private TimeIndex openWithThreeEntries() throws IOException {
        openWritable(MAX_SIZE);
        index.maybeAppend(100, 1010);
        index.maybeAppend(200, 1020);
        index.maybeAppend(300, 1030);
        return index;
    }

    private TimeIndex openRaw(final String name, final long[] timestamps, final int[] relativeOffsets,
                              final int extraBytes) throws IOException {
        file = dir.resolve(name);
        RawIndexFiles.writeTimeIndex(file, timestamps, relativeOffsets, extraBytes);
        index = TimeIndex.open(file, BASE, MAX_SIZE, false, FileAllocator.SYSTEM);
        return index;
    }

    private void assertLookup(final long target, final long expectedTimestamp, final long expectedOffset) {
        index.lookup(target, result);
        assertEquals(expectedTimestamp, result.timestamp(), "timestamp for target " + target);
        assertEquals(expectedOffset, result.offset(), "offset for target " + target);
    }

    private void assertCorrupt(final String detail) {
        final CorruptIndexException ex = assertThrows(CorruptIndexException.class, () -> index.sanityCheck());
        assertEquals("Corrupt time index found, time index file (" + file + ") " + detail, ex.getMessage());
        assertEquals(file, ex.file());
    }

    @Test
    void shouldReturnNoTimestampWhenEmpty() throws IOException {
        openWritable(MAX_SIZE);
        assertLookup(500, NO_TIMESTAMP, BASE);
        index.lastEntry(result);
        assertEquals(NO_TIMESTAMP, result.timestamp());
        assertEquals(BASE, result.offset());
        assertEquals(NO_TIMESTAMP, index.lastTimestamp());
        assertEquals(BASE, index.lastOffset());
    }

    @Test
    void shouldReturnNoTimestampWhenTargetBeforeFirstEntry() throws IOException {
        openWithThreeEntries();
        assertLookup(99, NO_TIMESTAMP, BASE);
        assertLookup(Long.MIN_VALUE, NO_TIMESTAMP, BASE);
    }

    @Test
    void shouldReturnEntryWhenTargetExact() throws IOException {
        openWithThreeEntries();
        assertLookup(100, 100, 1010);
        assertLookup(200, 200, 1020);
        assertLookup(300, 300, 1030);
    }

    @Test
    void shouldReturnLowerEntryWhenTargetBetween() throws IOException {
        openWithThreeEntries();
        assertLookup(150, 100, 1010);
        assertLookup(299, 200, 1020);
    }

    @Test
    void shouldReturnLastEntryWhenTargetAfterLast() throws IOException {
        openWithThreeEntries();
        assertLookup(301, 300, 1030);
        assertLookup(Long.MAX_VALUE, 300, 1030);
    }

    @Test
    void shouldExposeEntriesWhenAppended() throws IOException {
        openWithThreeEntries();
        assertEquals(3, index.entries());
        assertEquals(36, index.sizeInBytes());
        assertEquals(300, index.lastTimestamp());
        assertEquals(1030, index.lastOffset());
        assertEquals(200, index.timestamp(1));
        assertEquals(1020, index.offset(1));
        assertEquals(20, index.relativeOffset(1));
        index.lookupEntry(0, result);
        assertEquals(100, result.timestamp());
        assertEquals(1010, result.offset());
        index.lastEntry(result);
        assertEquals(300, result.timestamp());
        assertEquals(1030, result.offset());
        assertThrows(IllegalArgumentException.class, () -> index.lookupEntry(3, result));
    }

    @Test
    void shouldIgnoreAppendWhenTimestampEqualsLast() throws IOException {
        openWithThreeEntries();
        index.maybeAppend(300, 1040);
        assertEquals(3, index.entries());
        assertEquals(1030, index.lastOffset());
    }

    @Test
    void shouldIgnoreAppendWhenEmptyAndTimestampIsNoTimestamp() throws IOException {
        openWritable(MAX_SIZE);
        index.maybeAppend(NO_TIMESTAMP, 1010);
        assertEquals(0, index.entries());
        index.maybeAppend(0, 1010);
        assertEquals(1, index.entries());
    }

    @Test
    void shouldAppendWhenOffsetEqualsLastAndTimestampLarger() throws IOException {
        openWithThreeEntries();
        index.maybeAppend(400, 1030);
        assertEquals(4, index.entries());
        assertLookup(450, 400, 1030);
    }

    @Test
    void shouldRejectAppendWhenTimestampBelowLast() throws IOException {
        openWithThreeEntries();
        final InvalidIndexAppendException ex = assertThrows(InvalidIndexAppendException.class,
            () -> index.maybeAppend(299, 1040));
        assertEquals("Attempt to append a timestamp (299) to slot 3 no larger than the last timestamp appended (300) "
            + "to " + file, ex.getMessage());
        assertEquals(3, index.entries());
    }

    @Test
    void shouldRejectAppendWhenOffsetBelowLast() throws IOException {
        openWithThreeEntries();
        final InvalidIndexAppendException ex = assertThrows(InvalidIndexAppendException.class,
            () -> index.maybeAppend(400, 1029));
        assertEquals("Attempt to append an offset (1029) to slot 3 no larger than the last offset appended (1030) "
            + "to " + file, ex.getMessage());
        assertEquals(1029, ex.offset());
        assertEquals(1030, ex.lastOffset());
        assertEquals(file, ex.file());
    }

    @Test
    void shouldRejectAppendWhenRelativeOffsetOverflows() throws IOException {
        openWritable(MAX_SIZE);
        final long tooLarge = BASE + Integer.MAX_VALUE + 1L;
        final InvalidIndexAppendException ex = assertThrows(InvalidIndexAppendException.class,
            () -> index.maybeAppend(100, tooLarge));
        assertEquals("Attempt to append an offset (" + tooLarge + ") to time index file " + file
            + " with base offset " + BASE + ": the relative offset (offset - base offset) must be in [0, 2147483647]",
            ex.getMessage());
        assertThrows(InvalidIndexAppendException.class, () -> index.maybeAppend(100, BASE - 1));
        assertEquals(0, index.entries());
    }

    @Test
    void shouldReserveLastSlotWhenCheckingFull() throws IOException {
        openWritable(3 * TimeIndexFormat.ENTRY_SIZE);
        assertEquals(3, index.maxEntries());
        index.maybeAppend(1, 1001);
        assertFalse(index.isFull());
        index.maybeAppend(2, 1002);
        assertTrue(index.isFull());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> index.maybeAppend(3, 1003));
        assertEquals("Attempt to append to a full time index file " + file + " (entries=2, maxEntries=3)",
            ex.getMessage());

        index.maybeAppend(3, 1003, true);
        assertEquals(3, index.entries());
        assertThrows(IllegalStateException.class, () -> index.maybeAppend(4, 1004, true));
        index.maybeAppend(3, 1004, true);
        assertEquals(3, index.entries());
    }

    @Test
    void shouldRemoveEntriesFromOffsetWhenTruncating() throws IOException {
        openWithThreeEntries();
        index.truncateTo(1025);
        assertEquals(2, index.entries());
        assertEquals(200, index.lastTimestamp());
        index.truncateTo(1020);
        assertEquals(1, index.entries());
        index.truncateTo(2000);
        assertEquals(1, index.entries());
        index.truncateTo(BASE);
        assertEquals(0, index.entries());
        assertEquals(NO_TIMESTAMP, index.lastTimestamp());
    }

    @Test
    void shouldRemoveEveryEntryOfOffsetWhenOffsetRepeats() throws IOException {
        openWithThreeEntries();
        index.maybeAppend(400, 1030);
        index.maybeAppend(500, 1030);
        index.maybeAppend(600, 1040);
        index.truncateTo(1030);
        assertEquals(2, index.entries());
        assertEquals(1020, index.lastOffset());
        assertEquals(200, index.lastTimestamp());
    }

    @Test
    void shouldTrimAndReadSameEntriesWhenReopened() throws IOException {
        openWithThreeEntries();
        assertTrue(FileBlocks.allocatedBytes(file) >= MAX_SIZE);
        index.close();
        assertEquals(36, Files.size(file));
        reopen(true);
        assertEquals(3, index.entries());
        assertEquals(10, index.maxEntries());
        assertLookup(250, 200, 1020);
        index.maybeAppend(400, 1040);
        assertEquals(4, index.entries());
    }

    @Test
    void shouldLookUpButNotAppendWhenReopenedReadOnly() throws IOException {
        openWithThreeEntries();
        reopen(false);
        assertEquals(3, index.entries());
        assertLookup(250, 200, 1020);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> index.maybeAppend(400, 1040));
        assertEquals("time index file " + file + " is read-only", ex.getMessage());
        index.sanityCheck();
    }

    @Test
    void shouldAcceptAppendsWhenTrimmedIndexResized() throws IOException {
        openWithThreeEntries();
        index.trimToValidSize();
        assertEquals(36, Files.size(file));
        assertTrue(index.isFull());
        index.resize(MAX_SIZE);
        assertEquals(MAX_SIZE, Files.size(file));
        assertFalse(index.isFull());
        index.maybeAppend(400, 1040);
        assertLookup(Long.MAX_VALUE, 400, 1040);
        assertLookup(100, 100, 1010);
    }

    @Test
    void shouldFailSanityCheckWhenSizeNotMultipleOfEntrySize() throws IOException {
        openRaw("torn.timeindex", new long[] {5}, new int[] {1}, 4);
        assertEquals(1, index.entries());
        assertCorrupt("has size 16 bytes which is not a multiple of the entry size 12");
    }

    @Test
    void shouldFailSanityCheckWhenLastOffsetBelowBase() throws IOException {
        openRaw("below.timeindex", new long[] {5, 6}, new int[] {-2, -1}, 0);
        assertCorrupt("has non-zero size but the last offset is 999 which is less than the base offset 1000");
    }

    @Test
    void shouldFailSanityCheckWhenTimestampsDecrease() throws IOException {
        openRaw("ts.timeindex", new long[] {5, 9, 7}, new int[] {1, 2, 3}, 0);
        assertCorrupt("has entry 2 with timestamp 7 which is less than the timestamp 9 of entry 1");
    }

    @Test
    void shouldFailSanityCheckWhenOffsetsDecrease() throws IOException {
        openRaw("offsets.timeindex", new long[] {5, 6, 7}, new int[] {1, 4, 3}, 0);
        assertCorrupt("has entry 2 with offset 1003 which is less than the offset 1004 of entry 1");
    }

    @Test
    void shouldPassSanityCheckWhenEntriesRepeatOffsetOrTimestamp() throws IOException {
        openRaw("kafka.timeindex", new long[] {5, 5, 7}, new int[] {1, 2, 2}, 0);
        index.sanityCheck();
        assertLookup(6, 5, 1002);
    }

    @Test
    void shouldWriteBigEndianTimestampThenRelativeOffsetWhenAppending() throws IOException {
        openWritable(MAX_SIZE);
        index.maybeAppend(0x0102030405060708L, BASE + 0x0A0B0C0D);
        index.maybeAppend(0x0102030405060709L, BASE + 0x0A0B0C0E);
        index.close();

        final byte[] bytes = Files.readAllBytes(file);
        assertEquals(2 * TimeIndexFormat.ENTRY_SIZE, bytes.length);
        final byte[] expected = {
            1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B, 0x0C, 0x0D,
            1, 2, 3, 4, 5, 6, 7, 9, 0x0A, 0x0B, 0x0C, 0x0E,
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], bytes[i], "byte " + i);
        }
        final ByteBuffer buffer = RawIndexFiles.readAll(file);
        assertEquals(0x0102030405060709L, buffer.getLong(TimeIndexFormat.ENTRY_SIZE + TimeIndexFormat.TIMESTAMP_OFFSET));
        assertEquals(0x0A0B0C0E, buffer.getInt(TimeIndexFormat.ENTRY_SIZE + TimeIndexFormat.RELATIVE_OFFSET_OFFSET));
    }

    @Test
    void shouldNotAllocateWhenLookingUp() throws IOException {
        openWritable(12_000);
        for (int i = 1; i <= 900; i++) {
            index.maybeAppend(10L * i, BASE + 3L * i);
        }
        final long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                index.lookup(i, result);
            }
        });
        assertEquals(0, allocated, "bytes allocated by 10000 lookups");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void shouldMatchTreeMapWhenRandomOperations(final long seed) throws IOException {
        final Random random = new Random(seed);
        final long base = random.nextInt(10_000);
        final int maxSize = TimeIndexFormat.ENTRY_SIZE * (5 + random.nextInt(60));
        final Path path = dir.resolve(TimeIndexFormat.fileName(base));
        // Timestamps strictly increase, so the timestamp is a key.
        final TreeMap<Long, Long> oracle = new TreeMap<>();
        index = TimeIndex.open(path, base, maxSize, true, FileAllocator.SYSTEM);
        for (int op = 0; op < 600; op++) {
            final String where = "seed=" + seed + " op=" + op;
            final long lastTimestamp = oracle.isEmpty() ? NO_TIMESTAMP : oracle.lastKey();
            final long lastOffset = oracle.isEmpty() ? base : oracle.lastEntry().getValue();
            final int choice = random.nextInt(100);
            if (choice < 45) {
                final long timestamp = lastTimestamp + random.nextInt(20);
                final long offset = lastOffset + random.nextInt(4);
                if (index.isFull()) {
                    assertThrows(IllegalStateException.class, () -> index.maybeAppend(timestamp, offset), where);
                } else {
                    index.maybeAppend(timestamp, offset);
                    if (timestamp > lastTimestamp) {
                        oracle.put(timestamp, offset);
                    }
                }
            } else if (choice < 50 && !oracle.isEmpty() && !index.isFull()) {
                final long timestamp = lastTimestamp - 1 - random.nextInt(3);
                assertThrows(InvalidIndexAppendException.class, () -> index.maybeAppend(timestamp, lastOffset), where);
            } else if (choice < 58) {
                final long offset = base - 3 + random.nextInt((int) (lastOffset - base) + 6);
                index.truncateTo(offset);
                oracle.values().removeIf(value -> value >= offset);
            } else if (choice < 63) {
                index.close();
                index = TimeIndex.open(path, base, maxSize, true, FileAllocator.SYSTEM);
            } else if (choice < 65) {
                index.close();
                index = TimeIndex.open(path, base, maxSize, false, FileAllocator.SYSTEM);
                assertMatches(oracle, base, lastTimestamp, random, where);
                index.sanityCheck();
                index.close();
                index = TimeIndex.open(path, base, maxSize, true, FileAllocator.SYSTEM);
            } else if (choice < 68) {
                index.resize(oracle.size() * TimeIndexFormat.ENTRY_SIZE + random.nextInt(maxSize));
            } else if (choice < 70) {
                index.trimToValidSize();
                assertEquals(oracle.size() * 12L, Files.size(path), where);
            } else {
                assertMatches(oracle, base, lastTimestamp, random, where);
            }
            assertEquals(oracle.size(), index.entries(), where);
            assertEquals(oracle.isEmpty() ? NO_TIMESTAMP : oracle.lastKey(), index.lastTimestamp(), where);
            assertEquals(oracle.isEmpty() ? base : oracle.lastEntry().getValue(), index.lastOffset(), where);
        }
        index.sanityCheck();
    }

    private void assertMatches(final TreeMap<Long, Long> oracle, final long base, final long lastTimestamp,
                               final Random random, final String where) {
        assertEquals(oracle.size(), index.entries(), where);
        for (int i = 0; i < 20; i++) {
            final long target = -3 + random.nextInt((int) Math.max(lastTimestamp, 0) + 10);
            final Map.Entry<Long, Long> floor = oracle.floorEntry(target);
            index.lookup(target, result);
            assertEquals(floor == null ? NO_TIMESTAMP : floor.getKey(), result.timestamp(), where + " target=" + target);
            assertEquals(floor == null ? base : floor.getValue(), result.offset(), where + " target=" + target);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldOnlyReturnPublishedEntriesWhenReaderRacesWriter() throws Exception {
        final int total = 200_000;
        openWritable(1024 * TimeIndexFormat.ENTRY_SIZE);
        final TimestampOffset found = new TimestampOffset();
        final Random random = new Random(42);
        WriterReaderRace.run("time-index-writer", total, k -> {
            if (index.isFull()) {
                index.resize(index.maxEntries() * 2 * TimeIndexFormat.ENTRY_SIZE);
            }
            index.maybeAppend(7L * k, BASE + 3L * k);
        }, 10_000, () -> {
            final int publishedBefore = index.entries();
            final long target = random.nextInt(7 * (publishedBefore + 10));
            index.lookup(target, found);
            final int publishedAfter = index.entries();
            if (found.timestamp() == NO_TIMESTAMP) {
                assertEquals(BASE, found.offset(), "empty result for target " + target);
                assertTrue(publishedBefore == 0 || target < 7, "missed entries for target " + target);
            } else {
                final long k = found.timestamp() / 7;
                assertEquals(7 * k, found.timestamp(), "unpublished timestamp for target " + target);
                assertEquals(BASE + 3 * k, found.offset(), "torn entry for target " + target);
                assertTrue(found.timestamp() <= target, "timestamp above target " + target);
                assertTrue(k <= publishedAfter, "entry " + k + " not yet published (" + publishedAfter + ")");
                assertTrue(k >= Math.min(publishedBefore, target / 7), "stale result for target " + target);
            }
        });
        assertEquals(total, index.entries());
        index.sanityCheck();
    }
}
