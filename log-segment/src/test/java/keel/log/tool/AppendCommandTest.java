package keel.log.tool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static keel.log.testing.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppendCommandTest {
    private static final String SMALL_SEGMENTS = "--segment-bytes=1048576";

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("events-0");
    }

    private ToolRun append(final String stdin, final String... options) {
        final List<String> args = new ArrayList<>(List.of("append", SMALL_SEGMENTS));
        args.addAll(List.of(options));
        args.add(dir().toString());
        return ToolRun.runWithInput(stdin, args.toArray(new String[0]));
    }

    /**
     * @return the record lines of a dump, with the timestamps (the wall clock's) left out.
     */
    private List<String> records() {
        final ToolRun dump = ToolRun.run("dump", "--print-data", dir().toString());
        assertEquals(LogTool.EXIT_OK, dump.exitCode(), dump::toString);
        final List<String> records = new ArrayList<>();
        for (final String line : dump.linesStartingWith("| ")) {
            records.add(line.replaceAll(" timestamp: \\d+", ""));
        }
        return records;
    }

    @Test
    void shouldAppendEachLineAsARecordAndPrintTheOffsets() {
        final ToolRun run = append("first\nsecond\n\nfourth\n");

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertEquals(2, run.out().split("\n").length, run::toString);
        assertTrue(run.out().startsWith("offsets 0 to 3: 4 records, "), run::toString);
        assertTrue(run.out().endsWith("\nAppended 4 records in 1 batch to " + dir()
            + ": offsets 0 to 3; the log ends at offset 4\n"), run::toString);
        assertEquals(List.of(
            "| offset: 0 key: null value: \"first\" headers: {}",
            "| offset: 1 key: null value: \"second\" headers: {}",
            "| offset: 2 key: null value: \"\" headers: {}",
            "| offset: 3 key: null value: \"fourth\" headers: {}"), records());
    }

    @Test
    void shouldContinueAfterTheLastOffsetWhenTheLogExists() {
        append("a\nb\n");

        final ToolRun run = append("c\n");

        assertTrue(run.out().endsWith("Appended 1 record in 1 batch to " + dir()
            + ": offsets 2 to 2; the log ends at offset 3\n"), run::toString);
    }

    @Test
    void shouldSplitKeyAndValueAtTheFirstSeparator() {
        final ToolRun run = append("k1::v::1\nno separator\n::empty key\n", "--key-separator", "::");

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertEquals(List.of(
            "| offset: 0 key: \"k1\" value: \"v::1\" headers: {}",
            "| offset: 1 key: null value: \"no separator\" headers: {}",
            "| offset: 2 key: \"\" value: \"empty key\" headers: {}"), records());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4"})
    void shouldReadBackTheRecordsWhenTheyAreCompressed(final String codec) {
        final ToolRun run = append("x=1\ny=2\n", "--compression", codec, "--key-separator", "=");

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        final ToolRun dump = ToolRun.run("dump", dir().toString());
        assertTrue(dump.linesStartingWith("baseOffset:").get(0).contains(" compression: " + codec + " "),
            dump::toString);
        assertEquals(List.of(
            "| offset: 0 key: \"x\" value: \"1\" headers: {}",
            "| offset: 1 key: \"y\" value: \"2\" headers: {}"), records());
    }

    @Test
    void shouldStartANewBatchAfterBatchSizeRecords() {
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            lines.append("line ").append(i).append('\n');
        }

        final ToolRun run = append(lines.toString(), "--batch-size", "100");

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        final List<String> batches = ToolRun.run("dump", dir().toString()).linesStartingWith("baseOffset:");
        assertEquals(3, batches.size());
        assertTrue(batches.get(0).startsWith("baseOffset: 0 lastOffset: 99 count: 100 "), batches.get(0));
        assertTrue(batches.get(1).startsWith("baseOffset: 100 lastOffset: 199 count: 100 "), batches.get(1));
        assertTrue(batches.get(2).startsWith("baseOffset: 200 lastOffset: 249 count: 50 "), batches.get(2));
    }

    @Test
    void shouldWarnWhenOpeningTheLogCutsATornTail() throws IOException {
        TestLogs.write(dir(), batch(1_700_000_000_000L, "a"), batch(1_700_000_000_000L, "b", "c"));
        TestLogs.cut(TestLogs.first(dir(), ".log"), 10);

        final ToolRun run = append("d\n");

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("keel-log: append: warning: opening the log runs crash recovery, which cuts"
            + " 00000000000000000000.log at position 69: batch at position 69 declares "), run::toString);
        assertTrue(run.out().endsWith(": offsets 1 to 1; the log ends at offset 2\n"), run::toString);
    }

    @Test
    void shouldRefuseACompressionKeelCannotWrite() {
        final ToolRun run = append("a\n", "--compression", "snappy");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: append: Keel cannot write snappy batches; --compression must be one of none, gzip,"
            + " lz4\nUsage: keel-log.sh append [--key-separator SEP] [--batch-size N] [--compression none|gzip|lz4]"
            + " [--segment-bytes N] DIR (--help for details)\n", run.err());
    }

    @Test
    void shouldRefuseABatchSizeThatIsNotAPositiveInteger() {
        final ToolRun run = append("a\n", "--batch-size", "0");

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("keel-log: append: --batch-size must be an integer from 1 to 2147483647,"
            + " not '0'\n"), run::toString);
    }

    @Test
    void shouldRefuseADirectoryNameThatIsNotTopicPartition() {
        final Path dir = tmp.resolve("events");

        final ToolRun run = ToolRun.runWithInput("a\n", "append", dir.toString());

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().startsWith("keel-log: append: the directory name 'events' is not <topic>-<partition>,"
            + " e.g. events-0\n"), run::toString);
        assertFalse(Files.exists(dir));
    }
}
