package keel.perf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the Markdown sections of {@code compare} and {@code failover} ({@code --markdown FILE}) share: the exact
 * command line, the machine, its load average, and writing the file. The sections are meant to be pasted into
 * docs/performance.md unchanged, so the tables there come from the tool, not from hand copying. Stateless.
 */
final class MarkdownSection {

    private MarkdownSection() {
    }

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    /**
     * Writes the head every section shares: its heading, when and at which commit it was measured, the exact
     * command, the machine and the load average before and after.
     */
    static void header(final PrintWriter out, final String title, final String command, final Instant startedAt,
                       final Instant finishedAt, final String loadBefore, final String loadAfter) {
        out.println("### " + title);
        out.println();
        out.println("Measured " + TIME.format(startedAt) + " to " + TIME.format(finishedAt) + " UTC at commit `"
            + commit() + "` with:");
        out.println();
        out.println("```");
        out.println(command);
        out.println("```");
        out.println();
        out.println("**Machine:** " + machine() + ". **Load average** (1/5/15 min, /proc/loadavg): " + loadBefore
            + " before, " + loadAfter + " after.");
        out.println();
    }

    /**
     * @param command the subcommand, e.g. "compare"
     * @param args    the arguments as picocli kept them: the whole command line, from the subcommand on
     * @return the command line that reproduces the run, arguments with shell metacharacters single-quoted
     */
    static String commandLine(final String command, final List<String> args) {
        final StringBuilder line = new StringBuilder("bin/keel-perf.sh ").append(command);
        final int at = args.indexOf(command);
        for (final String arg : args.subList(at + 1, args.size())) {
            line.append(' ');
            if (arg.matches("[A-Za-z0-9_./:=,@%+-]+")) {
                line.append(arg);
            } else {
                line.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        return line.toString();
    }

    /**
     * @return the 1, 5 and 15 minute load averages from /proc/loadavg, e.g. "1.20 0.95 0.60", or "unknown"
     */
    static String loadAverage() {
        try {
            final String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim()
                .split("\\s+");
            return fields.length < 3 ? "unknown" : fields[0] + " " + fields[1] + " " + fields[2];
        } catch (final IOException e) {
            return "unknown";
        }
    }

    /**
     * @return e.g. "2 vCPU Intel(R) Xeon(R) CPU @ 2.80GHz, 23 GiB RAM, Linux 6.18.0 amd64, JDK 17.0.15+6 (Debian)"
     */
    static String machine() {
        final Map<String, Object> machine = RunReport.machine();
        final Map<String, Object> jvm = RunReport.jvm();
        final long memory = ((Number) machine.get("memoryBytes")).longValue();
        return String.format(Locale.ROOT, "%s vCPU %s, %.0f GiB RAM, %s, JDK %s (%s)", machine.get("nproc"),
            machine.get("cpuModel"), memory / (double) (1L << 30), machine.get("os"), jvm.get("version"),
            jvm.get("vendor"));
    }

    /**
     * @return the Keel commit the tool runs from, shortened to 10 characters
     */
    static String commit() {
        final String commit = String.valueOf(RunReport.versions().get("keelCommit"));
        return commit.length() > 10 ? commit.substring(0, 10) : commit;
    }

    static void write(final Path file, final String text) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
