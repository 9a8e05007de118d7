package keel.log.tool;

import keel.log.Compression;
import keel.log.Log;
import keel.log.RecordBatchBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static keel.log.testing.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DumpCommandTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("events-0");
    }

    @Test
    void shouldPrintEveryBatchHeaderWhenDumpingASegmentFile() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a", "b", "c"), batch(T0 + 5, "d"));

        final ToolRun run = ToolRun.run("dump", TestLogs.first(dir(), ".log").toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        final List<String> batches = run.linesStartingWith("baseOffset:");
        assertEquals(2, batches.size(), run::toString);
        assertTrue(batches.get(0).startsWith("baseOffset: 0 lastOffset: 2 count: 3 position: 0 size: "
            + positions.get(1) + " magic: 2 timestampType: CreateTime baseTimestamp: " + T0 + " maxTimestamp: " + T0
            + " producerId: -1 producerEpoch: -1 baseSequence: -1 partitionLeaderEpoch: 0 compression: none"
            + " isTransactional: false isControl: false crc: "), batches.get(0));
        assertTrue(batches.get(0).endsWith(" crcValid: true isValid: true"), batches.get(0));
        assertTrue(batches.get(1).startsWith("baseOffset: 3 lastOffset: 3 count: 1 position: " + positions.get(1)),
            batches.get(1));
        assertTrue(run.out().contains("End of segment: 2 batches, 4 records, offsets 0 to 3"), run::toString);
        assertEquals(List.of(), run.linesStartingWith("|"), "records only with --print-data");
    }

    @Test
    void shouldPrintKeysValuesAndHeadersWhenPrintDataIsGiven() throws IOException {
        final ByteBuffer withHeaders;
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.append(T0, "k".getBytes(StandardCharsets.UTF_8), "line\n\"two\"".getBytes(StandardCharsets.UTF_8),
                new RecordBatchBuilder.Header("trace", "t1".getBytes(StandardCharsets.UTF_8)),
                new RecordBatchBuilder.Header("empty", null));
            builder.append(T0 + 1, (byte[]) null, (byte[]) null);
            withHeaders = builder.build();
        }
        TestLogs.write(dir(), withHeaders);

        final ToolRun run = ToolRun.run("dump", "--print-data", TestLogs.first(dir(), ".log").toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertEquals(List.of(
            "| offset: 0 timestamp: " + T0 + " key: \"k\" value: \"line\\n\\\"two\\\"\" headers: {\"trace\": \"t1\","
                + " \"empty\": null}",
            "| offset: 1 timestamp: " + (T0 + 1) + " key: null value: null headers: {}"),
            run.linesStartingWith("|"));
    }

    @Test
    void shouldDumpEverySegmentInOffsetOrderWhenGivenADirectory() throws IOException {
        try (Log log = Log.open(dir(), TestLogs.CONFIG)) {
            log.append(batch(T0, "a", "b", "c"));
            log.roll();
            log.append(batch(T0, "d"));
        }

        final ToolRun run = ToolRun.run("dump", dir().toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertEquals(List.of("Dumping " + dir().resolve("00000000000000000000.log"),
            "Dumping " + dir().resolve("00000000000000000003.log")), run.linesStartingWith("Dumping"));
        assertEquals(2, run.linesStartingWith("baseOffset:").size(), run::toString);
    }

    @Test
    void shouldPrintOffsetIndexEntriesWhenGivenAnIndexFile() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b", "c"), batch(T0, "d"));

        final ToolRun run = ToolRun.run("dump", TestLogs.first(dir(), ".index").toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Offset index, base offset 0, 2 entries\n"), run::toString);
        assertEquals(List.of("offset: 2 position: " + positions.get(1), "offset: 3 position: " + positions.get(2)),
            run.linesStartingWith("offset:"));
    }

    @Test
    void shouldPrintTimeIndexEntriesWhenGivenATimeIndexFile() throws IOException {
        TestLogs.write(dir(), batch(T0, "a"), batch(T0 + 10, "b", "c"), batch(T0 + 5, "d"));

        final ToolRun run = ToolRun.run("dump", TestLogs.first(dir(), ".timeindex").toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        assertEquals(List.of("timestamp: " + (T0 + 10) + " offset: 2"), run.linesStartingWith("timestamp:"));
    }

    @Test
    void shouldDumpASegmentWrittenByKafkaAndSayWhichRecordsKeelCannotDecode() throws IOException {
        final Path file = KafkaSegments.write(dir());

        final ToolRun run = ToolRun.run("dump", "--print-data", file.toString());

        assertEquals(LogTool.EXIT_OK, run.exitCode(), run::toString);
        final List<String> batches = run.linesStartingWith("baseOffset:");
        assertEquals(KafkaSegments.CODECS.length + 3, batches.size(), run::toString);
        for (int i = 0; i < KafkaSegments.CODECS.length; i++) {
            final String codec = KafkaSegments.CODECS[i];
            assertTrue(batches.get(i).startsWith("baseOffset: " + 2 * i + " lastOffset: " + (2 * i + 1) + " count: 2"),
                batches.get(i));
            assertTrue(batches.get(i).contains(" compression: " + codec + " "), batches.get(i));
            assertTrue(batches.get(i).endsWith(" crcValid: true isValid: true"), batches.get(i));
        }
        assertTrue(batches.get(5).contains(" producerId: 42 producerEpoch: 3 baseSequence: 0 partitionLeaderEpoch: 7 "),
            batches.get(5));
        assertTrue(batches.get(6).contains(" isTransactional: true isControl: false "), batches.get(6));
        assertTrue(batches.get(7).contains(" isTransactional: true isControl: true "), batches.get(7));
        final List<String> records = run.linesStartingWith("|");
        for (final String codec : new String[] {"none", "gzip", "lz4"}) {
            final int offset = 2 * List.of(KafkaSegments.CODECS).indexOf(codec);
            assertTrue(records.contains("| offset: " + offset + " timestamp: " + (KafkaSegments.T0 + offset)
                + " key: \"key-" + offset + "\" value: \"" + codec + "-" + offset + "\" headers: {\"codec\": \""
                + codec + "\"}"), run::toString);
        }
        for (final String codec : new String[] {"snappy", "zstd"}) {
            assertTrue(records.contains("| records not shown: Keel cannot decode " + codec + " records (it decodes"
                + " none, gzip, lz4); the batch itself is valid"), run::toString);
        }
        assertTrue(run.out().contains("End of segment: 8 batches, 13 records, offsets 0 to 12"), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void shouldPrintValidBatchesThenWhereTheTornTailStartsWhenTheFileIsCut() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b"), batch(T0, "c", "d"));
        final Path log = TestLogs.first(dir(), ".log");
        final int lastSize = (int) Files.size(log) - positions.get(2);
        TestLogs.cut(log, 10);

        final ToolRun run = ToolRun.run("dump", log.toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertEquals(2, run.linesStartingWith("baseOffset:").size(), run::toString);
        final String summary = TestLogs.FIRST + ".log: invalid data starts at position " + positions.get(2)
            + ": batch at position " + positions.get(2) + " declares " + lastSize + " bytes but only "
            + (lastSize - 10) + " remain (truncated) (recovery would cut the " + (lastSize - 10)
            + " bytes from there)";
        assertEquals(List.of("! " + summary), run.linesStartingWith("!"));
        assertEquals("keel-log: dump: " + summary + "\n", run.err());
    }

    @Test
    void shouldCallABatchTornInsideItsHeaderTruncated() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b"));
        final Path log = TestLogs.first(dir(), ".log");
        final int lastSize = (int) Files.size(log) - positions.get(1);
        TestLogs.cut(log, lastSize - 20);

        final ToolRun run = ToolRun.run("dump", log.toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertEquals(List.of("! " + TestLogs.FIRST + ".log: invalid data starts at position " + positions.get(1)
            + ": batch at position " + positions.get(1) + " declares " + lastSize + " bytes but only 20 remain"
            + " (truncated) (recovery would cut the 20 bytes from there)"), run.linesStartingWith("!"));
    }

    @Test
    void shouldMarkTheBatchInvalidAndGoOnWhenItsCrcIsWrong() throws IOException {
        final List<Integer> positions = TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b"), batch(T0, "c"));
        final Path log = TestLogs.first(dir(), ".log");
        TestLogs.flipByte(log, positions.get(2) - 1);

        final ToolRun run = ToolRun.run("dump", log.toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        final List<String> batches = run.linesStartingWith("baseOffset:");
        assertEquals(3, batches.size(), run::toString);
        assertTrue(batches.get(1).endsWith("crcValid: false isValid: false"), batches.get(1));
        assertTrue(batches.get(2).endsWith("crcValid: true isValid: true"), batches.get(2));
        assertTrue(run.out().contains("! invalid batch at position " + positions.get(1) + ": Record is corrupt"),
            run::toString);
    }

    @Test
    void shouldExplainTheZeroTailWhenASegmentWasNotClosedCleanly() throws IOException {
        TestLogs.write(dir(), batch(T0, "a"));
        final Path log = TestLogs.first(dir(), ".log");
        final int size = (int) Files.size(log);
        TestLogs.appendZeros(log, 4096);

        final ToolRun run = ToolRun.run("dump", log.toString());

        assertEquals(LogTool.EXIT_PROBLEMS, run.exitCode(), run::toString);
        assertEquals(List.of("! " + TestLogs.FIRST + ".log: invalid data starts at position " + size + ": the 4096"
            + " bytes to the end of the file are all zero: the preallocated space of a segment that was not closed"
            + " cleanly, not data (recovery would cut the 4096 bytes from there)"), run.linesStartingWith("!"));
    }

    @Test
    void shouldNeverChangeTheFilesWhenDumpingDamagedData() throws IOException {
        TestLogs.write(dir(), batch(T0, "a"), batch(T0, "b"), batch(T0, "c"));
        final Path log = TestLogs.first(dir(), ".log");
        final Path index = TestLogs.first(dir(), ".index");
        final Path timeIndex = TestLogs.first(dir(), ".timeindex");
        TestLogs.cut(log, 10);
        TestLogs.appendZeros(index, 16);
        final byte[][] before = {Files.readAllBytes(log), Files.readAllBytes(index), Files.readAllBytes(timeIndex)};
        final FileTime[] modified = {Files.getLastModifiedTime(log), Files.getLastModifiedTime(index),
            Files.getLastModifiedTime(timeIndex)};

        assertEquals(LogTool.EXIT_PROBLEMS, ToolRun.run("dump", "--print-data", dir().toString()).exitCode());
        assertEquals(LogTool.EXIT_PROBLEMS, ToolRun.run("dump", log.toString()).exitCode());
        assertEquals(LogTool.EXIT_PROBLEMS, ToolRun.run("dump", index.toString()).exitCode());
        assertEquals(LogTool.EXIT_OK, ToolRun.run("dump", timeIndex.toString()).exitCode());

        assertArrayEquals(before[0], Files.readAllBytes(log));
        assertArrayEquals(before[1], Files.readAllBytes(index));
        assertArrayEquals(before[2], Files.readAllBytes(timeIndex));
        assertEquals(List.of(modified[0], modified[1], modified[2]), List.of(Files.getLastModifiedTime(log),
            Files.getLastModifiedTime(index), Files.getLastModifiedTime(timeIndex)));
    }

    @Test
    void shouldRefuseAFileOfUnknownKind() throws IOException {
        final Path file = Files.writeString(tmp.resolve("notes.txt"), "hello");

        final ToolRun run = ToolRun.run("dump", file.toString());

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: dump: cannot dump " + file + ": expected a partition directory or a .log, .index or"
            + " .timeindex file\nUsage: keel-log.sh dump [--print-data] PATH (--help for details)\n", run.err());
    }

    @Test
    void shouldExitWithUsageErrorWhenThePathDoesNotExist() {
        final Path missing = tmp.resolve("missing-0");

        final ToolRun run = ToolRun.run("dump", missing.toString());

        assertEquals(LogTool.EXIT_USAGE, run.exitCode());
        assertEquals("keel-log: dump: no such file or directory: " + missing + "\n", run.err());
    }
}
