package keel.log.tool;

import keel.log.Compression;
import keel.log.Log;
import keel.log.LogConfig;
import keel.log.RecordBatchBuilder;
import keel.log.Time;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code append DIR}: appends the lines of stdin as records to a partition directory through the engine
 * ({@link Log#open(Path, LogConfig)}, {@link RecordBatchBuilder}, {@link Log#append(ByteBuffer)}), then closes the
 * log cleanly. Each line is one record (UTF-8, timestamped with the current time); a batch holds up to
 * {@code --batch-size} records and at most {@code max.message.bytes}. Stateless.
 */
final class AppendCommand implements Command {
    static final String KEY_SEPARATOR = "--key-separator";
    static final String BATCH_SIZE = "--batch-size";
    static final String COMPRESSION = "--compression";
    static final String SEGMENT_BYTES = "--segment-bytes";
    static final int DEFAULT_BATCH_SIZE = 100;

    private final Time time;

    AppendCommand(final Time time) {
        this.time = time;
    }

    @Override
    public String name() {
        return "append";
    }

    @Override
    public String synopsis() {
        return "[--key-separator SEP] [--batch-size N] [--compression none|gzip|lz4] [--segment-bytes N] DIR";
    }

    @Override
    public String summary() {
        return "append the lines of stdin as records to a partition directory";
    }

    @Override
    public String help() {
        return String.join(System.lineSeparator(),
            "Usage: keel-log.sh append " + synopsis(),
            "",
            "Appends every line of stdin (UTF-8) as one record to the partition directory DIR, which is named",
            "<topic>-<partition> (e.g. data/events-0) and created if missing, and prints the offsets written.",
            "Opening an existing log runs the engine's crash recovery on it first (see recover). The log is",
            "closed cleanly at the end of the input.",
            "",
            "Options:",
            "  --key-separator SEP   the text before the first SEP of a line is the record key, the rest the value;",
            "                        a line without SEP gets a null key. Default: no key.",
            "  --batch-size N        records per batch, default " + DEFAULT_BATCH_SIZE + " (a batch also ends"
                + " before it would exceed",
            "                        max.message.bytes, " + LogConfig.MAX_MESSAGE_BYTES_DEFAULT + ").",
            "  --compression C       none (default), gzip or lz4.",
            "  --segment-bytes N     segment.bytes of the log: the size at which it rolls to a new segment.",
            "                        Default " + LogConfig.SEGMENT_BYTES_DEFAULT + ".",
            "",
            "Exit codes: 0 appended; 2 usage error, DIR not writable, or a line too large for one batch.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of(KEY_SEPARATOR, BATCH_SIZE, COMPRESSION, SEGMENT_BYTES);
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(final Arguments args, final ToolStreams streams) throws UsageException, IOException {
        final Path dir = Path.of(args.single("DIR"));
        final String separator = args.value(KEY_SEPARATOR);
        if (separator != null && separator.isEmpty()) {
            throw new UsageException(KEY_SEPARATOR + " must not be empty");
        }
        final int batchSize = args.intValue(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, Integer.MAX_VALUE);
        final Compression compression = compression(args.value(COMPRESSION));
        final LogConfig config = config(args.intValue(SEGMENT_BYTES, LogConfig.SEGMENT_BYTES_DEFAULT, 1,
            Integer.MAX_VALUE));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException(dir + " is not a directory");
        }
        checkPartitionName(dir);
        warnAboutRecovery(dir, streams.err());
        final PrintStream out = streams.out();
        final Appender appender = new Appender(out);
        try (Log log = Log.open(dir, config);
             RecordBatchBuilder builder = new RecordBatchBuilder(compression)) {
            builder.maxBatchSizeBytes(config.maxMessageBytes());
            final BufferedReader reader = new BufferedReader(new InputStreamReader(streams.in(),
                StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                final int at = separator == null ? -1 : line.indexOf(separator);
                final byte[] key = at < 0 ? null : line.substring(0, at).getBytes(StandardCharsets.UTF_8);
                final byte[] value = (at < 0 ? line : line.substring(at + separator.length()))
                    .getBytes(StandardCharsets.UTF_8);
                final long timestampMs = time.milliseconds();
                if (builder.recordCount() >= batchSize
                    || builder.recordCount() > 0 && !builder.hasRoomFor(timestampMs, key, value)) {
                    appender.flush(log, builder);
                }
                builder.append(timestampMs, key, value);
                appender.onLine();
            }
            appender.flush(log, builder);
            out.println((appender.records == 0 ? "Appended no records to " + dir
                : "Appended " + Text.plural(appender.records, "record") + " in " + Text.plural(appender.batches,
                "batch") + " to " + dir + ": offsets " + appender.firstOffset + " to " + appender.lastOffset)
                + "; the log ends at offset " + log.logEndOffset());
        }
        return LogTool.EXIT_OK;
    }

    /**
     * Appends the builder's batch and prints its offsets; counts the lines, for messages.
     */
    private static final class Appender {
        private final PrintStream out;
        private long records;
        private int batches;
        private long firstOffset = -1L;
        private long lastOffset = -1L;
        private long lines;
        private long firstLineOfBatch = 1;

        Appender(final PrintStream out) {
            this.out = out;
        }

        void onLine() {
            lines++;
        }

        void flush(final Log log, final RecordBatchBuilder builder) throws UsageException, IOException {
            final int count = builder.recordCount();
            if (count == 0) {
                return;
            }
            final ByteBuffer batch = builder.build();
            final int size = batch.remaining();
            final long base;
            try {
                base = log.append(batch);
            } catch (final IllegalArgumentException ex) {
                throw new UsageException("cannot append lines " + firstLineOfBatch + " to " + lines + ": "
                    + ex.getMessage(), ex);
            }
            builder.reset();
            firstLineOfBatch = lines + 1;
            if (firstOffset < 0) {
                firstOffset = base;
            }
            lastOffset = base + count - 1;
            records += count;
            batches++;
            out.println("offsets " + base + " to " + lastOffset + ": " + Text.plural(count, "record") + ", "
                + Text.plural(size, "byte"));
        }
    }

    private static Compression compression(final String name) throws UsageException {
        if (name == null) {
            return Compression.NONE;
        }
        for (final Compression compression : Compression.values()) {
            if (compression.codecName().equals(name.toLowerCase(Locale.ROOT))) {
                if (!compression.isSupported()) {
                    throw new UsageException("Keel cannot write " + compression + " batches; " + COMPRESSION
                        + " must be one of " + Compression.SUPPORTED_NAMES);
                }
                return compression;
            }
        }
        throw new UsageException(COMPRESSION + " must be one of " + Compression.SUPPORTED_NAMES + ", not '" + name
            + "'");
    }

    private static LogConfig config(final int segmentBytes) throws UsageException {
        try {
            return LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, segmentBytes);
        } catch (final IllegalArgumentException ex) {
            throw new UsageException(SEGMENT_BYTES + ": " + ex.getMessage(), ex);
        }
    }

    private static void checkPartitionName(final Path dir) throws UsageException {
        final Path fileName = dir.toAbsolutePath().normalize().getFileName();
        final String name = fileName == null ? "" : fileName.toString();
        final int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1 || !name.substring(dash + 1).chars().allMatch(Character::isDigit)) {
            throw new UsageException("the directory name '" + name + "' is not <topic>-<partition>, e.g. events-0");
        }
    }

    /**
     * {@link Log#open(Path, LogConfig)} recovers every segment, and an embedder learns what it cut only from the
     * engine's log; a read-only scan first lets the tool say it.
     */
    private static void warnAboutRecovery(final Path dir, final PrintStream err) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (final PartitionFiles.SegmentFile segment : PartitionFiles.list(dir).segments()) {
            try (SegmentScanner scanner = SegmentScanner.open(segment.logFile(), segment.baseOffset())) {
                while (scanner.next()) {
                    // only the result of the whole walk matters here
                }
                if (scanner.cutPosition() >= 0) {
                    err.println("keel-log: append: warning: opening the log runs crash recovery, which cuts "
                        + segment.name() + " at position " + scanner.cutPosition() + ": " + scanner.cutReason());
                }
            }
        }
    }
}
