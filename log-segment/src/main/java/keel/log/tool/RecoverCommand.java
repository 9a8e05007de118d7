package keel.log.tool;

import keel.log.Log;
import keel.log.LogConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code recover DIR}: runs the engine's crash recovery on a partition directory and reports what it cut. The
 * recovery is the engine's own, {@link Log#open(Path, LogConfig)} as after an unclean shutdown (every segment
 * re-validated, indexes rebuilt, the first invalid batch and everything after it cut), followed by a clean close.
 * The report comes from a read-only check before (where and why the data is invalid: the engine's recovery rules,
 * see {@link SegmentScanner}) and the files after (what was really cut), and ends with a full verify. Stateless.
 */
final class RecoverCommand implements Command {
    /**
     * {@code segment.bytes} while the log is open: the active segment is preallocated to it and trimmed again at
     * close, so a small value saves allocating (and, without fallocate, writing) Kafka's default 1 GiB for nothing.
     * It does not limit the size of existing segments.
     */
    static final int RECOVERY_SEGMENT_BYTES = 1024 * 1024;

    @Override
    public String name() {
        return "recover";
    }

    @Override
    public String synopsis() {
        return "DIR";
    }

    @Override
    public String summary() {
        return "run crash recovery on a partition directory and report what it cut";
    }

    @Override
    public String help() {
        return String.join(System.lineSeparator(),
            "Usage: keel-log.sh recover DIR",
            "",
            "Runs the engine's crash recovery on the partition directory DIR (named <topic>-<partition>), as",
            "after an unclean shutdown, then closes the log cleanly. Recovery re-validates every batch of every",
            "segment, rebuilds the indexes, cuts each segment at its first invalid batch (torn write, CRC",
            "mismatch, offsets out of order, zeroed preallocated space), and deletes the segments after a segment",
            "whose data it cut. Stop the broker that owns DIR first.",
            "",
            "Prints for each segment the batches and offsets kept and the bytes cut with the reason, then the",
            "result of verify on the recovered directory.",
            "",
            "Exit codes: 0 recovered and verified; 1 the directory still has problems after recovery;",
            "2 usage error or DIR cannot be read or written.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of();
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(final Arguments args, final ToolStreams streams) throws UsageException, IOException {
        final Path dir = Path.of(args.single("DIR"));
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException(dir + " is not a directory: recover works on a partition directory");
        }
        final PrintStream out = streams.out();
        // 1. find out, read-only, where and why each segment is invalid
        final PartitionVerifier.Report before = PartitionVerifier.verify(dir);
        final Set<String> filesBefore = fileNames(dir);
        // 2. recover with the engine and close cleanly
        final long logEndOffset;
        try (Log log = open(dir)) {
            logEndOffset = log.logEndOffset();
        }
        // 3. report what changed on disk
        out.println("Recovered " + dir);
        final Set<String> segmentNames = new TreeSet<>();
        long cutBytes = 0;
        for (final PartitionVerifier.SegmentReport segment : before.segments()) {
            segmentNames.add(segment.name());
            cutBytes += reportSegment(dir, segment, out);
        }
        final Set<String> filesAfter = fileNames(dir);
        final Set<String> removed = new TreeSet<>(filesBefore);
        removed.removeAll(filesAfter);
        removed.removeAll(segmentNames);
        final Set<String> created = new TreeSet<>(filesAfter);
        created.removeAll(filesBefore);
        if (!removed.isEmpty()) {
            out.println("Removed: " + String.join(", ", removed));
        }
        if (!created.isEmpty()) {
            out.println("Created: " + String.join(", ", created));
        }
        out.println("The log ends at offset " + logEndOffset + "; recovery cut " + Text.plural(cutBytes, "byte"));
        // 4. prove the result
        out.println("Verifying " + dir);
        if (!VerifyCommand.print(PartitionVerifier.verify(dir), out)) {
            streams.err().println("keel-log: recover: " + dir + " still has problems after recovery");
            return LogTool.EXIT_PROBLEMS;
        }
        return LogTool.EXIT_OK;
    }

    private static Log open(final Path dir) throws UsageException, IOException {
        final String name = dir.toAbsolutePath().normalize().getFileName().toString();
        final int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1 || !name.substring(dash + 1).chars().allMatch(Character::isDigit)) {
            throw new UsageException("the directory name " + name + " is not <topic>-<partition>; the engine opens"
                + " only partition directories such as events-0");
        }
        return Log.open(dir.toAbsolutePath().normalize(), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG,
            RECOVERY_SEGMENT_BYTES));
    }

    /**
     * @return the bytes recovery removed from the segment.
     */
    private static long reportSegment(final Path dir, final PartitionVerifier.SegmentReport before,
                                      final PrintStream out) throws IOException {
        final Path file = dir.resolve(before.name());
        if (!Files.exists(file)) {
            final String offsets = before.batches() == 0 ? ""
                : ", offsets " + before.firstOffset() + " to " + before.lastOffset();
            out.println("  " + before.name() + ": deleted (" + Text.plural(before.fileSize(), "byte") + offsets
                + "): it followed a segment whose data recovery cut");
            return before.fileSize();
        }
        final long sizeAfter = Files.size(file);
        final long cut = before.fileSize() - sizeAfter;
        final String kept = "  " + before.name() + ": kept " + Text.plural(before.batches(), "batch")
            + (before.batches() == 0 ? "" : ", offsets " + before.firstOffset() + " to " + before.lastOffset())
            + ", " + Text.plural(sizeAfter, "byte");
        if (cut <= 0) {
            out.println(kept + "; nothing cut");
            return 0;
        }
        final String why;
        if (before.cutPosition() == sizeAfter) {
            why = before.cutOnlyZeros() ? ": zeros of preallocated space, no data" : ": " + before.cutReason();
        } else {
            why = " (the read-only check before recovery expected a cut at position " + before.cutPosition() + ")";
        }
        out.println(kept + "; cut " + Text.plural(cut, "byte") + " from position " + sizeAfter + why);
        return cut;
    }

    private static Set<String> fileNames(final Path dir) throws IOException {
        final Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                names.add(file.getFileName().toString());
            }
        }
        return names;
    }
}
