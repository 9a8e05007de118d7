package keel.log.tool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One in-process run of the tool: its exit code and what it printed, with line separators normalised to
 * {@code \n}.
 *
 * @param exitCode the exit code {@link LogTool#run} returned.
 * @param out      standard output.
 * @param err      standard error.
 */
record ToolRun(int exitCode, String out, String err) {
    /**
     * Runs the tool with empty stdin.
     *
     * @param args the command line.
     * @return the result.
     */
    static ToolRun run(final String... args) {
        return runWithInput("", args);
    }

    /**
     * Runs the tool.
     *
     * @param stdin the text on standard input.
     * @param args  the command line.
     * @return the result.
     */
    static ToolRun runWithInput(final String stdin, final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = LogTool.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ToolRun(code, normalise(out), normalise(err));
    }

    /**
     * @param prefix a line prefix, e.g. {@code "baseOffset:"}.
     * @return the lines of stdout that start with it.
     */
    List<String> linesStartingWith(final String prefix) {
        final List<String> lines = new ArrayList<>();
        for (final String line : out.split("\n")) {
            if (line.startsWith(prefix)) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Override
    public String toString() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }

    private static String normalise(final ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
