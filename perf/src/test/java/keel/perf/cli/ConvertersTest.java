package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConvertersTest {

    @Test
    void shouldParseSizesInBinaryUnits() {
        assertEquals(100, Converters.parseSize("100"));
        assertEquals(1024, Converters.parseSize("1KiB"));
        assertEquals(16384, Converters.parseSize("16k"));
        assertEquals(64L << 20, Converters.parseSize("64MiB"));
        assertEquals(1L << 30, Converters.parseSize("1g"));
    }

    @Test
    void shouldParseDurations() {
        assertEquals(500_000_000L, Converters.parseDurationNs("500ms"));
        assertEquals(30_000_000_000L, Converters.parseDurationNs("30s"));
        assertEquals(120_000_000_000L, Converters.parseDurationNs("2m"));
        assertEquals(3_600_000_000_000L, Converters.parseDurationNs("1h"));
    }

    @Test
    void shouldExplainWhenSizeHasUnknownUnit() {
        final CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
            () -> Converters.parseSize("1xb"));
        assertEquals("'1xb' is not a size: use bytes or a number with k, KiB, m, MiB, g or GiB (binary units), "
            + "e.g. 1KiB", e.getMessage());
    }

    @Test
    void shouldExplainWhenDurationHasNoUnit() {
        final CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
            () -> Converters.parseDurationNs("30"));
        assertEquals("'30' is not a duration: use a number with ms, s, m or h, e.g. 30s", e.getMessage());
    }

    @Test
    void shouldRejectSizeWhenItOverflows() {
        assertThrows(CommandLine.TypeConversionException.class, () -> Converters.parseSize("99999999999999g"));
    }
}
