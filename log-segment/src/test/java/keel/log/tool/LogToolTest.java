package keel.log.tool;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogToolTest {
    @TempDir
    Path tmp;

    @Test
    void shouldListTheCommandsWhenAskedForHelp() {
        final ToolRun run = ToolRun.run("--help");

        assertEquals(LogTool.EXIT_OK, run.exitCode());
        assertTrue(run.out().startsWith("Usage: keel-log.sh COMMAND [OPTIONS] ARGS"), run::toString);
        for (final String command : new String[] {"append", "dump", "verify", "recover"}) {
            assertTrue(run.out().contains("\n  " + command + " "), run::toString);
        }
        assertEquals("", run.err());
    }

    @Test
    void shouldDescribeACommandWhenHelpFollowsIt() {
        final ToolRun run = ToolRun.run("dump", "--help");

        assertEquals(LogTool.EXIT_OK, run.exitCode());
        assertTrue(run.out().startsWith("Usage: keel-log.sh dump [--print-data] PATH\n"), run::toString);
    }

    @Test
    void shouldExitWithUsageErrorWhenNoCommandIsGiven() {
        final ToolRun run = ToolRun.run();

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("keel-log: missing command\nUsage: keel-log.sh COMMAND"), run::toString);
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownCommand() {
        final ToolRun run = ToolRun.run("frob", "x");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: unknown command 'frob' (commands: append, dump, verify, recover; see keel-log.sh"
            + " --help)\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownOption() {
        final ToolRun run = ToolRun.run("dump", "--frob", "x.log");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: dump: unknown option --frob\nUsage: keel-log.sh dump [--print-data] PATH (--help for"
            + " details)\n", run.err());
    }

    @Test
    void shouldExitWithUsageErrorWhenAnOptionLacksItsValue() {
        final ToolRun run = ToolRun.run("append", "events-0", "--batch-size");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("keel-log: append: option --batch-size needs a value\n"), run::toString);
    }

    @Test
    void shouldExitWithUsageErrorWhenTheArgumentIsMissing() {
        final ToolRun run = ToolRun.run("verify");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: verify: missing DIR\nUsage: keel-log.sh verify DIR (--help for details)\n",
            run.err());
    }

    @Test
    void shouldPrintTheStackTraceOnlyWhenVerbose() {
        final String missing = tmp.resolve("missing-0").toString();

        final ToolRun quiet = ToolRun.run("verify", missing);
        final ToolRun verbose = ToolRun.run("verify", missing, "--verbose");

        assertEquals("keel-log: verify: no such file or directory: " + missing + "\n", quiet.err());
        assertEquals(LogTool.EXIT_USAGE, verbose.exitCode());
        assertTrue(verbose.err().startsWith("keel-log: verify: no such file or directory: " + missing
            + "\njava.nio.file.NoSuchFileException: " + missing + "\n\tat "), verbose::toString);
    }

    @Test
    @Timeout(120)
    void shouldAppendAndVerifyThroughTheScriptFromAnotherWorkingDirectory() throws Exception {
        final Path script = script();
        final Path dir = tmp.resolve("events-0");

        final ScriptRun append = runScript(script, "one\ntwo\n", "append", "--segment-bytes", "1048576",
            dir.toString());
        final ScriptRun verify = runScript(script, "", "verify", dir.toString());

        assertEquals(LogTool.EXIT_OK, append.exitCode, append::toString);
        assertEquals("offsets 0 to 1: 2 records, ", append.out.substring(0, append.out.indexOf("records, ") + 9));
        assertTrue(append.out.endsWith("Appended 2 records in 1 batch to " + dir
            + ": offsets 0 to 1; the log ends at offset 2\n"), append::toString);
        assertEquals("", append.err, "no JVM or SLF4J warnings");
        assertEquals(LogTool.EXIT_OK, verify.exitCode, verify::toString);
        assertTrue(verify.out.endsWith("OK: no problems found\n"), verify::toString);
    }

    @Test
    @Timeout(120)
    void shouldExitWithTheToolsUsageCodeThroughTheScript() throws Exception {
        final ScriptRun run = runScript(script(), "", "dump");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode, run::toString);
        assertEquals("keel-log: dump: missing PATH\nUsage: keel-log.sh dump [--print-data] PATH (--help for"
            + " details)\n", run.err);
        assertFalse(run.err.contains("Exception"));
    }

    /**
     * The script of this source tree; skips the test when the classes it runs have not been built.
     */
    private static Path script() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("bin/keel-log.sh"))) {
            root = root.getParent();
        }
        Assumptions.assumeTrue(root != null, "bin/keel-log.sh not found above the working directory");
        Assumptions.assumeTrue(Files.isRegularFile(root.resolve("log-segment/target/classes/keel/log/tool/"
            + "LogTool.class")) && Files.isRegularFile(root.resolve("log-segment/target/keel-log.classpath")),
            "the tool's classes or classpath file are not built");
        return root.resolve("bin/keel-log.sh");
    }

    private ScriptRun runScript(final Path script, final String stdin, final String... args)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(tmp, "out", ".txt");
        final Path err = Files.createTempFile(tmp, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("KEEL_LOG_OPTS");
        final Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(100, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/keel-log.sh " + String.join(" ", args) + " did not finish in 100 s");
        }
        return new ScriptRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record ScriptRun(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }
}
