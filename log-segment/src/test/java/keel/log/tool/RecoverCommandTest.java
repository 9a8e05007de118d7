package keel.log.tool;

import keel.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static keel.log.testing.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoverCommandTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("events-0");
    }

    @Test
    void shouldReportTheBytesCutFromATornTailAndLeaveADirectoryThatVerifies() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b"), batch(T0, "c", "d"));
        final Path log = TestLogs.first(dir(), ".log");
        final int lastSize = (int) Files.size(log) - positions.get(2);
        TestLogs.cut(log, 10);
        final int torn = lastSize - 10;

        final ToolRun run = ToolRun.run("recover", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Recovered " + dir() + "\n"
            + "  00000000000000000000.log: kept 2 batches, offsets 0 to 1, " + positions.get(2) + " bytes; cut "
            + torn + " bytes from position " + positions.get(2) + ": batch at position " + positions.get(2)
            + " declares " + lastSize + " bytes but only " + torn + " remain (truncated)\n"), run::toString);
        assertTrue(run.out().contains("The log ends at offset 2; recovery cut " + torn + " bytes\n"), run::toString);
        assertTrue(run.out().endsWith("OK: no problems found\n"), run::toString);
        assertEquals(positions.get(2), (int) Files.size(log));
        assertEquals(LogTool.EXIT_OK, ToolRun.run("verify", dir().toString()).exitCode());
    }

    @Test
    void shouldReportTheSegmentsDeletedAfterASegmentWithACorruptBatch() throws IOException {
        final int secondBatch;
        try (Log log = Log.open(dir(), TestLogs.CONFIG)) {
            log.append(batch(T0, "a"));
            secondBatch = (int) log.sizeInBytes();
            log.append(batch(T0, "b", "c"));
            log.roll();
            log.append(batch(T0, "d"));
        }
        final long secondSegmentSize = Files.size(dir().resolve("00000000000000000003.log"));
        TestLogs.flipByte(TestLogs.first(dir(), ".log"), secondBatch + 70);

        final ToolRun run = ToolRun.run("recover", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        final List<String> segments = run.linesStartingWith("  0");
        assertTrue(segments.get(0).startsWith("  00000000000000000000.log: kept 1 batch, offsets 0 to 0, "
            + secondBatch + " bytes; cut "), run::toString);
        assertTrue(segments.get(0).contains(": Record is corrupt (stored crc = "), run::toString);
        assertEquals("  00000000000000000003.log: deleted (" + secondSegmentSize + " bytes, offsets 3 to 3): it"
            + " followed a segment whose data recovery cut", segments.get(1));
        assertFalse(Files.exists(dir().resolve("00000000000000000003.log")));
        assertTrue(run.out().contains("The log ends at offset 1; "), run::toString);
    }

    @Test
    void shouldSayNoDataWasCutWhenOnlyPreallocatedZerosFollowTheBatches() throws IOException {
        TestLogs.write(dir(), batch(T0, "a"));
        final Path log = TestLogs.first(dir(), ".log");
        final long size = Files.size(log);
        TestLogs.appendZeros(log, 8192);

        final ToolRun run = ToolRun.run("recover", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.log: kept 1 batch, offsets 0 to 0, " + size
            + " bytes; cut 8192 bytes from position " + size + ": zeros of preallocated space, no data\n"),
            run::toString);
    }

    /**
     * Without the transaction: the engine cannot open a log holding a transaction marker yet (its producer-state
     * rebuild rejects the marker's sequence -1).
     */
    @Test
    void shouldRebuildTheIndexesOfASegmentWrittenByKafka() throws IOException {
        final Path log = KafkaSegments.write(dir(), false);
        final long size = Files.size(log);

        final ToolRun run = ToolRun.run("recover", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  00000000000000000000.log: kept 6 batches, offsets 0 to 10, " + size
            + " bytes; nothing cut\n"), run::toString);
        assertTrue(run.out().contains("\nCreated: 00000000000000000000.index, 00000000000000000000.timeindex, "),
            run::toString);
        assertTrue(run.out().endsWith("; index: 0 entries, time index: 1 entry\nOK: no problems found\n"),
            run::toString);
    }

    @Test
    void shouldRefuseADirectoryThatIsNotNamedTopicPartition() throws IOException {
        TestLogs.write(dir(), batch(T0, "a"));
        final Path other = Files.createDirectory(tmp.resolve("backup"));
        Files.copy(TestLogs.first(dir(), ".log"), TestLogs.first(other, ".log"));

        final ToolRun run = ToolRun.run("recover", other.toString());

        assertEquals(LogTool.EXIT_USAGE, run.exitCode(), run::toString);
        assertEquals("keel-log: recover: the directory name backup is not <topic>-<partition>; the engine opens only"
            + " partition directories such as events-0\nUsage: keel-log.sh recover DIR (--help for details)\n",
            run.err());
    }
}
