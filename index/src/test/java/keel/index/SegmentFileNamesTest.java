package keel.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SegmentFileNamesTest {
    @Test
    void shouldPadToTwentyDigitsWhenNamingSegment() {
        assertEquals("00000000000000000000", SegmentFileNames.segmentBaseName(0));
        assertEquals("00000000000000000042", SegmentFileNames.segmentBaseName(42));
        assertEquals("09223372036854775807", SegmentFileNames.segmentBaseName(Long.MAX_VALUE));
    }

    @Test
    void shouldAppendSuffixWhenNamingFile() {
        assertEquals("00000000000000000000.index", OffsetIndexFormat.fileName(0));
        assertEquals("00000000000000000007.timeindex", TimeIndexFormat.fileName(7));
        assertEquals("00000000000000001234.log", SegmentFileNames.fileName(1234, SegmentFileNames.LOG_SUFFIX));
    }

    @Test
    void shouldRejectNegativeBaseOffsetWhenNaming() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SegmentFileNames.segmentBaseName(-1));
        assertEquals("baseOffset=-1 must not be negative", ex.getMessage());
    }

    @Test
    void shouldParseBaseOffsetWhenNameIsSegmentFile() {
        assertEquals(42, SegmentFileNames.parseBaseOffset("00000000000000000042.log"));
        assertEquals(0, SegmentFileNames.parseBaseOffset("00000000000000000000.index"));
        assertEquals(Long.MAX_VALUE, SegmentFileNames.parseBaseOffset("09223372036854775807.timeindex"));
        assertEquals(5, SegmentFileNames.parseBaseOffset("00000000000000000005.snapshot"));
        assertEquals(5, SegmentFileNames.parseBaseOffset("00000000000000000005.log.deleted"));
        assertEquals(5, SegmentFileNames.parseBaseOffset("00000000000000000005.index.swap"));
        assertEquals(5, SegmentFileNames.parseBaseOffset("00000000000000000005.timeindex.cleaned"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"leader-epoch-checkpoint", "42.log", "0000000000000000004a.log",
        "00000000000000000042", "00000000000000000042.", "00000000000000000042.txt", "00000000000000000042.log.bak",
        "00000000000000000042.deleted", "000000000000000000042.log"})
    void shouldRejectNameWhenNotSegmentFile(final String name) {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SegmentFileNames.parseBaseOffset(name));
        assertEquals("File name " + name + " is not a segment file name: expected 20 digits, a kind suffix "
            + "(.log, .index, .timeindex, .txnindex, .snapshot) and optionally .deleted, .cleaned or .swap",
            ex.getMessage());
    }

    @Test
    void shouldRejectNameWhenBaseOffsetOverflowsLong() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SegmentFileNames.parseBaseOffset("09223372036854775808.log"));
        assertEquals("Segment file name 09223372036854775808.log has a base offset larger than 9223372036854775807",
            ex.getMessage());
    }

    @Test
    void shouldRoundTripWhenParsingGeneratedName() {
        final long[] offsets = {0, 1, 99, 1L << 33, Long.MAX_VALUE - 1};
        for (final long offset : offsets) {
            assertEquals(offset, SegmentFileNames.parseBaseOffset(
                SegmentFileNames.fileName(offset, SegmentFileNames.TIME_INDEX_SUFFIX)));
        }
    }
}
