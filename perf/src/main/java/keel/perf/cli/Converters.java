package keel.perf.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * picocli converters for sizes ("1024", "16k", "1KiB", "64MiB", "1g") and durations ("500ms", "30s", "2m", "1h").
 * Stateless, thread-safe.
 */
final class Converters {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private Converters() {
    }

    static long parseSize(final String text) {
        final Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException("'" + text
                + "' is not a size: use bytes or a number with k, KiB, m, MiB, g or GiB (binary units), e.g. 1KiB");
        }
        final long value = Long.parseLong(matcher.group(1));
        final String unit = matcher.group(2);
        final int shift;
        if (unit.startsWith("k")) {
            shift = 10;
        } else if (unit.startsWith("m")) {
            shift = 20;
        } else if (unit.startsWith("g")) {
            shift = 30;
        } else {
            shift = 0;
        }
        if (value > (Long.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("'" + text + "' is too large");
        }
        return value << shift;
    }

    static long parseDurationNs(final String text) {
        final Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException("'" + text
                + "' is not a duration: use a number with ms, s, m or h, e.g. 30s");
        }
        final long value = Long.parseLong(matcher.group(1));
        final long unitNs;
        switch (matcher.group(2)) {
            case "ms":
                unitNs = 1_000_000L;
                break;
            case "s":
                unitNs = 1_000_000_000L;
                break;
            case "m":
                unitNs = 60_000_000_000L;
                break;
            default:
                unitNs = 3_600_000_000_000L;
                break;
        }
        if (value > Long.MAX_VALUE / unitNs) {
            throw new CommandLine.TypeConversionException("'" + text + "' is too long");
        }
        return value * unitNs;
    }

    /** A size in bytes. */
    static final class Size implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(final String value) {
            return parseSize(value);
        }
    }

    /** A duration in nanoseconds. */
    static final class DurationNs implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(final String value) {
            return parseDurationNs(value);
        }
    }
}
