package keel.log.tool;

import keel.index.OffsetIndexFormat;
import keel.index.TimeIndexFormat;
import keel.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static keel.log.testing.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("events-0");
    }

    /** Batches at offsets 0, 1-2, 3 with max timestamps T0, T0 + 10, T0 + 5: index entries (2, p1), (3, p2). */
    private List<Integer> writeThreeBatches() throws IOException {
        return TestLogs.write(dir(), batch(T0, "a"), batch(T0 + 10, "b", "c"), batch(T0 + 5, "d"));
    }

    private List<String> problems(final ToolRun run) {
        return run.linesStartingWith("  " + TestLogs.FIRST);
    }

    @Test
    void shouldFindNoProblemsWhenTheLogWasClosedCleanly() throws IOException {
        try (Log log = Log.open(dir(), TestLogs.CONFIG)) {
            for (int i = 0; i < 20; i++) {
                log.append(batch(T0 + i % 7, "v" + i, "w" + i));
                if (i % 8 == 7) {
                    log.roll();
                }
            }
        }

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertEquals("Verifying " + dir() + "\n3 segments:\n"
            + "  00000000000000000000.log: 8 batches, 16 records, offsets 0 to 15, 632 bytes; index: 7 entries,"
            + " time index: 6 entries\n"
            + "  00000000000000000016.log: 8 batches, 16 records, offsets 16 to 31, 644 bytes; index: 7 entries,"
            + " time index: 5 entries\n"
            + "  00000000000000000032.log: 4 batches, 8 records, offsets 32 to 39, 324 bytes; index: 3 entries,"
            + " time index: 3 entries\n"
            + "OK: no problems found\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void shouldNameFileAndPositionWhenACrcByteIsFlipped() throws IOException {
        final List<Integer> positions = writeThreeBatches();
        TestLogs.flipByte(TestLogs.first(dir(), ".log"), positions.get(2) - 3);

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        final List<String> problems = problems(run);
        assertEquals(2, problems.size(), run::toString);
        assertTrue(problems.get(1).startsWith("  00000000000000000000.log position " + positions.get(1)
            + ": Record is corrupt (stored crc = "), run::toString);
        assertTrue(problems.get(1).endsWith(") in batch at offset 1"), run::toString);
        assertTrue(run.out().contains("Problems (1):\n"), run::toString);
        assertEquals("keel-log: verify: 1 problem found in " + dir() + "\n", run.err());
    }

    @Test
    void shouldNameTheEntryWhenAnIndexEntryPointsInsideABatch() throws IOException {
        final List<Integer> positions = writeThreeBatches();
        final int wrong = positions.get(2) + 1;
        TestLogs.putInt(TestLogs.first(dir(), ".index"), OffsetIndexFormat.ENTRY_SIZE
            + OffsetIndexFormat.POSITION_OFFSET, wrong);

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        final int end = (int) Files.size(TestLogs.first(dir(), ".log")) - 1;
        assertEquals(List.of("  00000000000000000000.index entry 1 (offset 3, position " + wrong + "): position "
            + wrong + " is inside the batch at positions " + positions.get(2) + " to " + end + ", not at the start"
            + " of a batch"), problems(run).subList(problems(run).size() - 1, problems(run).size()));
    }

    @Test
    void shouldReportAnIndexEntryThatWouldMakeAFetchSkipTheBatchBeforeIt() throws IOException {
        final List<Integer> positions = writeThreeBatches();
        TestLogs.putInt(TestLogs.first(dir(), ".index"), OffsetIndexFormat.RELATIVE_OFFSET_OFFSET, 0);

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.index entry 0 (offset 0, position " + positions.get(1)
            + "): the batch before position " + positions.get(1) + " ends at offset 0, not below the entry's offset:"
            + " a fetch of offset 0 would start reading after that batch\n"), run::toString);
    }

    @Test
    void shouldReportATimeIndexEntryWhoseTimestampIsNotTheBatchMaximum() throws IOException {
        writeThreeBatches();
        final Path timeIndex = TestLogs.first(dir(), ".timeindex");
        TestLogs.putInt(timeIndex, TimeIndexFormat.TIMESTAMP_OFFSET + Integer.BYTES,
            TestLogs.getInt(timeIndex, TimeIndexFormat.TIMESTAMP_OFFSET + Integer.BYTES) + 1);

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.timeindex entry 0 (timestamp " + (T0 + 11)
            + ", offset 2): the batch holding offset 2 (position 69, offsets 1 to 2) has max timestamp " + (T0 + 10)
            + ", not " + (T0 + 11) + "\n"), run::toString);
    }

    @Test
    void shouldReportTheTornBatchWhenTheFileIsTruncated() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b"), batch(T0, "c", "d"));
        final Path log = TestLogs.first(dir(), ".log");
        final int lastSize = (int) Files.size(log) - positions.get(2);
        TestLogs.cut(log, 10);

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.log position " + positions.get(2) + ": batch at"
            + " position " + positions.get(2) + " declares " + lastSize + " bytes but only " + (lastSize - 10)
            + " remain (truncated)\n"), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.index entry 1 (offset 3, position " + positions.get(2)
            + "): position " + positions.get(2) + " is not before the end of the last whole batch (position "
            + positions.get(2) + ")\n"), run::toString);
    }

    @Test
    void shouldReportZeroEntriesOnceWhenAnIndexWasNotTrimmed() throws IOException {
        writeThreeBatches();
        TestLogs.appendZeros(TestLogs.first(dir(), ".index"), 10 * OffsetIndexFormat.ENTRY_SIZE);

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertEquals(List.of("  00000000000000000000.index entries 2 to 11: 10 zero entries at the end: the"
            + " preallocated space of an index that was not closed cleanly (the engine rebuilds the index when it"
            + " recovers the segment)"), problems(run).subList(1, problems(run).size()));
    }

    @Test
    void shouldReportASegmentThatOverlapsTheOneBeforeIt() throws IOException {
        writeThreeBatches();
        Files.copy(TestLogs.first(dir(), ".log"), dir().resolve("00000000000000000002.log"));

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000002.log position 0: batch at position 0 has base offset 0,"
            + " below the segment's base offset 2\n"), run::toString);
        assertTrue(run.out().contains("  00000000000000000002.log: the base offset 2 is not above the last offset 3"
            + " of the segment before it, 00000000000000000000.log\n"), run::toString);
    }

    @Test
    void shouldPassASegmentWrittenByKafkaWithNotesForTheMissingIndexes() throws IOException {
        KafkaSegments.write(dir());

        final ToolRun run = ToolRun.run("verify", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.log: 8 batches, 13 records, offsets 0 to 12, "),
            run::toString);
        assertTrue(run.out().contains("Notes:\n  00000000000000000000.index: missing; the engine rebuilds it from"
            + " the log when it opens the log\n  00000000000000000000.timeindex: missing; the engine rebuilds it from"
            + " the log when it opens the log\nOK: no problems found\n"), run::toString);
    }

    @Test
    void shouldExitWithUsageErrorWhenGivenAFile() throws IOException {
        final Path log = TestLogs.first(dir(), ".log");
        writeThreeBatches();

        final ToolRun run = ToolRun.run("verify", log.toString());

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: verify: " + log + " is not a directory: verify checks a partition directory (use"
            + " dump for a single file)\nUsage: keel-log.sh verify DIR (--help for details)\n", run.err());
    }
}
