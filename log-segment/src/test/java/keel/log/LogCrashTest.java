package keel.log;

import keel.log.testing.TestBatches;
import keel.log.tool.LogTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Process-level crash test: a child JVM ({@link LogCrashChild}) appends to a log in a loop and reports every append
 * that has returned; the test kills it with SIGKILL after a random number of acknowledgements, reopens the log in
 * this JVM and checks that
 * <ul>
 *   <li>every acknowledged append is there, with its offsets, batch boundaries and record contents;</li>
 *   <li>nothing else is, except possibly the one batch that was being appended when the kill came;</li>
 *   <li>a read at every offset finds the batch that holds it, and offset-for-timestamp (by time, earliest, latest,
 *       max timestamp) agrees with a full scan of the records;</li>
 *   <li>after a clean close, {@code keel-log verify} finds every offset and time index entry in agreement with the
 *       batches.</li>
 * </ul>
 * Then the next round appends to the same directory, so recovery runs over logs that were themselves recovered and
 * trimmed (DeleteRecords keeps the log near 1 MiB). SIGKILL keeps the page cache, so what the mappings held at the
 * kill is what the files hold: this tests the engine's ordering and recovery, not the disk.
 *
 * <p>Rounds: {@value #DEFAULT_ROUNDS} by default; {@code -Dkeel.crash.rounds=500} for a soak run,
 * {@code -Dkeel.crash.seed=N} to repeat a run (the seed is printed first).
 */
class LogCrashTest {
    private static final int DEFAULT_ROUNDS = 20;
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final long WAIT_MS = 60_000;
    private static final long TRIM_ABOVE_BYTES = 1 << 20;
    private static final String EOF = "<eof>";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void shouldKeepEveryAcknowledgedAppendWhenTheWriterIsKilledAtRandomMoments() throws Exception {
        final int rounds = Integer.getInteger("keel.crash.rounds", DEFAULT_ROUNDS);
        final long seed = Long.getLong("keel.crash.seed", System.nanoTime());
        System.out.println("LogCrashTest: seed " + seed + ", " + rounds + " rounds (repeat with -Dkeel.crash.seed="
            + seed + ")");
        final Random random = new Random(seed);
        final Path data = Files.createDirectories(tmp.resolve("data"));
        final List<long[]> batches = new ArrayList<>();
        long logStart = 0;
        long logEnd = 0;
        int survivors = 0;
        for (int round = 0; round < rounds; round++) {
            final int killAfter = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 30 : 400);
            final String context = "seed " + seed + " round " + round + " (kill after " + killAfter + " acks)";
            final Child child = Child.start(data, random.nextLong(), tmp.resolve("child-" + round + ".err"));
            final List<long[]> acked;
            try {
                acked = child.awaitAcksThenKill(killAfter, logStart, logEnd, context);
            } finally {
                child.destroy();
            }
            batches.addAll(acked);
            final long ackedEnd = batches.isEmpty() ? logEnd : batches.get(batches.size() - 1)[1] + 1;
            try (LogManager manager = LogManager.open(data, LogCrashChild.CONFIG, LogCrashChild.OPTIONS)) {
                final Log log = manager.getOrCreate(LogCrashChild.TOPIC, 0, LogCrashChild.CONFIG);
                assertEquals(logStart, log.logStartOffset(), context);
                assertTrue(log.logEndOffset() >= ackedEnd, () -> context + ": log end " + log.logEndOffset()
                    + " is below the acknowledged end " + ackedEnd);
                final List<Batch> scanned = scan(log, context);
                survivors += checkBatches(batches, scanned, ackedEnd, context);
                checkReads(log, scanned, context);
                checkTimestamps(log, context);
                if (log.sizeInBytes() > TRIM_ABOVE_BYTES) {
                    final long newStart = log.logStartOffset()
                        + (long) (random.nextDouble() * (log.logEndOffset() - log.logStartOffset()));
                    assertEquals(ErrorCode.NONE, log.deleteRecordsBefore(newStart), context);
                    log.deleteOldSegments();
                    batches.removeIf(batch -> batch[1] < newStart);
                }
                logStart = log.logStartOffset();
                logEnd = log.logEndOffset();
            }
            verifyFiles(data.resolve(LogCrashChild.TOPIC + "-0"), context);
        }
        System.out.println("LogCrashTest: " + rounds + " rounds, log end " + logEnd + ", " + survivors
            + " unacknowledged batches survived a kill");
    }

    /** A batch found by a scan of the log. */
    private record Batch(long baseOffset, long lastOffset, int sizeInBytes) {
    }

    /**
     * Reads every batch from the log start to the log end and checks every record at or above the log start against
     * {@link LogCrashChild#describe(long)}: offsets consecutive, contents exactly what was appended.
     */
    private static List<Batch> scan(final Log log, final String context) throws IOException {
        final List<Batch> scanned = new ArrayList<>();
        final RecordBatchView view = new RecordBatchView();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            final ByteBuffer read = log.readBatches(offset, 1 << 20);
            assertTrue(read.hasRemaining(), context + ": no batch at offset " + offset + " below the log end");
            for (int position = 0; position < read.limit(); position += view.sizeInBytes()) {
                view.wrap(read, position);
                assertEquals(ErrorCode.NONE, view.validateStored(read.limit() - position), context);
                scanned.add(new Batch(view.baseOffset(), view.lastOffset(), view.sizeInBytes()));
                final List<String> records = TestBatches.describe(read.duplicate().position(position)
                    .limit(position + view.sizeInBytes()));
                for (final String record : records) {
                    final long recordOffset = Long.parseLong(record.substring("offset=".length(), record.indexOf(' ')));
                    if (recordOffset >= log.logStartOffset()) {
                        assertEquals(offset, recordOffset, context + ": offsets are consecutive");
                        assertEquals(LogCrashChild.describe(offset), record, context);
                        offset++;
                    }
                }
            }
        }
        assertEquals(log.logEndOffset(), offset, context);
        return scanned;
    }

    /**
     * The scanned batches are the known ones (acknowledged now or earlier, or survivors of earlier kills) in order,
     * plus at most one unacknowledged batch right after the acknowledged end, which becomes known.
     *
     * @return 1 if such a batch survived, else 0.
     */
    private static int checkBatches(final List<long[]> known, final List<Batch> scanned, final long ackedEnd,
                                    final String context) {
        assertTrue(scanned.size() >= known.size(), () -> context + ": " + scanned.size() + " batches, "
            + known.size() + " known");
        for (int i = 0; i < known.size(); i++) {
            final Batch batch = scanned.get(i);
            assertEquals(known.get(i)[0] + "-" + known.get(i)[1], batch.baseOffset() + "-" + batch.lastOffset(),
                context + ": batch " + i);
        }
        final int extra = scanned.size() - known.size();
        assertTrue(extra <= 1, () -> context + ": " + extra + " batches beyond the acknowledged end " + ackedEnd);
        if (extra == 1) {
            final Batch tail = scanned.get(scanned.size() - 1);
            assertEquals(ackedEnd, tail.baseOffset(), context + ": the unacknowledged batch follows the last acked");
            known.add(new long[] {tail.baseOffset(), tail.lastOffset()});
        }
        return extra;
    }

    /** A one-byte read at every offset returns exactly the batch that holds it (offset index plus scan). */
    private static void checkReads(final Log log, final List<Batch> scanned, final String context) {
        try (ReadResult read = new ReadResult()) {
            int index = 0;
            for (long offset = log.logStartOffset(); offset < log.logEndOffset(); offset++) {
                while (scanned.get(index).lastOffset() < offset) {
                    index++;
                }
                final Batch batch = scanned.get(index);
                assertEquals(ErrorCode.NONE, log.read(offset, 1, Long.MAX_VALUE, true, read), context);
                assertEquals(batch.baseOffset() + "/" + batch.sizeInBytes(), read.firstOffset() + "/"
                    + read.sizeInBytes(), context + ": read at offset " + offset);
            }
        }
    }

    /**
     * ListOffsets by time for every record's timestamp and its neighbours, and the special targets, against a scan
     * of {@link LogCrashChild#timestamp(long)} over the offsets the log holds.
     */
    private static void checkTimestamps(final Log log, final String context) {
        final long start = log.logStartOffset();
        final long end = log.logEndOffset();
        final OffsetAndTimestamp found = new OffsetAndTimestamp();
        assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.EARLIEST_TIMESTAMP, found));
        assertEquals(start, found.offset(), context);
        assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.LATEST_TIMESTAMP, found));
        assertEquals(end, found.offset(), context);
        // the first offset of each prefix maximum: a search for t answers the first offset whose timestamp is >= t
        final List<long[]> steps = new ArrayList<>();
        for (long offset = start; offset < end; offset++) {
            final long timestamp = LogCrashChild.timestamp(offset);
            if (steps.isEmpty() || timestamp > steps.get(steps.size() - 1)[1]) {
                steps.add(new long[] {offset, timestamp});
            }
        }
        assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.MAX_TIMESTAMP, found));
        if (steps.isEmpty()) {
            assertEquals(-1, found.offset(), context);
            return;
        }
        final long[] max = steps.get(steps.size() - 1);
        assertEquals(max[0] + "@" + max[1], found.offset() + "@" + found.timestampMs(), context + ": max timestamp");
        assertOffsetForTimestamp(log, steps.get(0)[1] - 2, steps.get(0)[0], context);
        for (int i = 0; i < steps.size(); i++) {
            assertOffsetForTimestamp(log, steps.get(i)[1], steps.get(i)[0], context);
            assertOffsetForTimestamp(log, steps.get(i)[1] + 1, i + 1 < steps.size() ? steps.get(i + 1)[0] : -1,
                context);
        }
    }

    private static void assertOffsetForTimestamp(final Log log, final long target, final long expected,
                                                 final String context) {
        final OffsetAndTimestamp found = new OffsetAndTimestamp();
        assertEquals(ErrorCode.NONE, log.offsetForTimestamp(target, found), context);
        assertEquals(expected, found.offset(), context + ": offset for timestamp " + target);
        if (expected >= 0) {
            assertEquals(LogCrashChild.timestamp(expected), found.timestampMs(), context + ": timestamp " + target);
        }
    }

    /** After a clean close, the log tool finds every batch valid and every index entry in agreement with them. */
    private static void verifyFiles(final Path dir, final String context) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = LogTool.run(new String[] {"verify", dir.toString()}, InputStream.nullInputStream(),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(LogTool.EXIT_OK, code, () -> context + ": keel-log verify\n" + out.toString(StandardCharsets.UTF_8)
            + err.toString(StandardCharsets.UTF_8));
    }

    /** A running {@link LogCrashChild} and the acknowledgement lines it has printed. */
    private static final class Child {
        private final Process process;
        private final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Child(final Process process, final Path stderr) {
            this.process = process;
            this.stderr = stderr;
        }

        static Child start(final Path data, final long seed, final Path stderr) throws IOException {
            final List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(keelJvmFlags());
            // a small, quickly started JVM: the child runs for well under a second per round
            command.add("-Xmx128m");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(LogCrashChild.class.getName());
            command.add(data.toString());
            command.add(Long.toString(seed));
            final Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            final Child child = new Child(process, stderr);
            final Thread reader = new Thread(child::readLines, "crash-child-stdout");
            reader.setDaemon(true);
            reader.start();
            return child;
        }

        /**
         * The flags of the root pom's {@code keel.jvm.flags}, which surefire gave this JVM: module exports and
         * opens (agrona's unmap) and native access (JNA's fallocate).
         */
        private static List<String> keelJvmFlags() {
            final List<String> flags = new ArrayList<>();
            for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (argument.startsWith("--add-exports") || argument.startsWith("--add-opens")
                    || argument.startsWith("--enable-native-access")) {
                    flags.add(argument);
                }
            }
            return flags;
        }

        /** Queues every complete line; a line cut by the kill has no newline and is not an acknowledgement. */
        private void readLines() {
            final StringBuilder line = new StringBuilder();
            try (InputStream in = process.getInputStream()) {
                int b;
                while ((b = in.read()) >= 0) {
                    if (b == '\n') {
                        lines.add(line.toString());
                        line.setLength(0);
                    } else {
                        line.append((char) b);
                    }
                }
            } catch (final IOException ex) {
                lines.add("<stdout failed: " + ex + ">");
            } finally {
                lines.add(EOF);
            }
        }

        /**
         * Waits for the child's open line (which must show the log as the last round left it) and
         * {@code killAfter} acknowledgements, kills the child with SIGKILL, and collects every acknowledgement it
         * printed before it died.
         */
        List<long[]> awaitAcksThenKill(final int killAfter, final long logStart, final long logEnd,
                                       final String context) throws Exception {
            final String open = next(context);
            assertEquals("open " + logStart + " " + logEnd, open, context + ": a cleanly closed log reopens as it was");
            final List<long[]> acked = new ArrayList<>();
            while (acked.size() < killAfter) {
                acked.add(parseAck(next(context), context));
            }
            // the handle's destroyForcibly sends SIGKILL and nothing else; Process.destroyForcibly also closes our end
            // of the child's stdout, which would lose the acknowledgements still in the pipe
            assertTrue(process.toHandle().destroyForcibly(), context + ": kill requested");
            assertTrue(process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS), context + ": the killed child exits");
            assertEquals(SIGKILL_EXIT_CODE, process.exitValue(), context + ": the child died of SIGKILL");
            for (String line = next(context); !line.equals(EOF); line = next(context)) {
                acked.add(parseAck(line, context));
            }
            return acked;
        }

        private String next(final String context) throws Exception {
            final String line = lines.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(line, () -> context + ": no line from the child within " + WAIT_MS + " ms; stderr:\n"
                + stderrText());
            if (line.equals(EOF) && process.isAlive()) {
                fail(context + ": the child closed stdout; stderr:\n" + stderrText());
            }
            return line;
        }

        private long[] parseAck(final String line, final String context) {
            final String[] fields = line.split(" ");
            if (fields.length != 3 || !fields[0].equals("ack")) {
                fail(context + ": unexpected line from the child: " + line + "; stderr:\n" + stderrText());
            }
            return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])};
        }

        private String stderrText() {
            try {
                return Files.readString(stderr);
            } catch (final IOException ex) {
                return "(cannot read " + stderr + ": " + ex + ")";
            }
        }

        void destroy() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS);
            }
        }
    }
}
