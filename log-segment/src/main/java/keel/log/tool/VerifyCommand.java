package keel.log.tool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code verify DIR}: checks a partition directory read-only with {@link PartitionVerifier} and lists what is wrong.
 * Stateless.
 */
final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String synopsis() {
        return "DIR";
    }

    @Override
    public String summary() {
        return "check a partition directory (CRCs, offsets, index entries) without changing it";
    }

    @Override
    public String help() {
        return String.join(System.lineSeparator(),
            "Usage: keel-log.sh verify DIR",
            "",
            "Checks the partition directory DIR (e.g. data/events-0) without changing it. Run it on a log that is",
            "not open (a running broker preallocates the active segment and its indexes, which verify reports).",
            "",
            "Segments (<20 digits>.log):",
            "  - every batch is framed (length within the file), has magic 2, a matching CRC-32C and non-negative",
            "    record counts; nothing but batches up to the end of the file (no torn or zeroed tail);",
            "  - offsets increase from batch to batch and from segment to segment, no batch starts below its",
            "    segment's base offset or ends more than 2^31-1 past it.",
            "Offset index (.index), each entry (offset, position), as Kafka's LogSegment writes them:",
            "  - entries in order; position is the start of a batch; the batch before it ends below offset (so a",
            "    fetch starting there skips nothing); offset is at most the segment's last offset.",
            "Time index (.timeindex), each entry (timestamp, offset):",
            "  - entries in order; offset is inside a batch whose max timestamp is timestamp, and every batch",
            "    before it has a smaller max timestamp (so a search by time starting there skips nothing);",
            "  - the last entry carries the segment's largest timestamp (written when a segment is rolled or",
            "    closed).",
            "Missing indexes and files left by interrupted operations are notes: the engine rebuilds or deletes",
            "them when it opens the log.",
            "",
            "Exit codes: 0 no problems; 1 problems found (listed with file and position); 2 usage error or",
            "unreadable DIR.");
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
            throw new UsageException(dir + " is not a directory: verify checks a partition directory (use dump for"
                + " a single file)");
        }
        streams.out().println("Verifying " + dir);
        final PartitionVerifier.Report report = PartitionVerifier.verify(dir);
        if (!print(report, streams.out())) {
            streams.err().println("keel-log: verify: " + Text.plural(report.problems().count(), "problem")
                + " found in " + dir);
            return LogTool.EXIT_PROBLEMS;
        }
        return LogTool.EXIT_OK;
    }

    /**
     * Prints a report: the segments, the notes, then the problems or "OK".
     *
     * @param report the report.
     * @param out    where to print.
     * @return true if there are no problems.
     */
    static boolean print(final PartitionVerifier.Report report, final PrintStream out) {
        out.println(Text.plural(report.segments().size(), "segment") + ":");
        for (final PartitionVerifier.SegmentReport segment : report.segments()) {
            out.println("  " + segment.name() + ": " + segment.describe());
        }
        final ProblemList problems = report.problems();
        if (!problems.notes().isEmpty()) {
            out.println("Notes:");
            for (final String note : problems.notes()) {
                out.println("  " + note);
            }
        }
        if (problems.count() == 0) {
            out.println("OK: no problems found");
            return true;
        }
        out.println("Problems (" + problems.count() + "):");
        for (final String problem : problems.problems()) {
            out.println("  " + problem);
        }
        return false;
    }
}
