package keel.log;

import keel.log.testing.Directories;
import keel.log.testing.ManualTime;
import keel.log.testing.OpenFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Model-based property test of {@link Log}: seeded random sequences of appends (1 to 3 batches of random records,
 * codecs none, gzip and LZ4, timestamps out of order), rolls, truncations, full truncations, DeleteRecords,
 * retention by size and by time (with a manual clock), clean reopens and crash reopens (a copy of the files taken
 * while the log is open, opened as after an unclean shutdown, with or without a recovery point) run against the log
 * and against a trivial in-memory model (segments of batches, each batch the bytes the log must store). After every
 * step: log start and end, segment base offsets and sizes, reads from random offsets with random byte limits, upper
 * bounds and minOneBatch (whole batches, byte for byte), and offset-for-timestamp (earliest, latest, max timestamp,
 * by time).
 *
 * <p>Each seed is one test; a failing sequence is shrunk (shortest failing prefix, then single operations removed
 * while it still fails) and reported with its seed. {@code -Dkeel.property.seed=N} runs one seed;
 * {@code -Dkeel.property.tries=N} sets how many random seeds a run tries (default {@value #DEFAULT_TRIES}).
 * Truncation targets are batch boundaries, as replication's are; Kafka's log end after a cut inside a batch is
 * the cut offset until a restart and the batch end after it, which this model does not describe.
 */
class LogPropertyTest {
    private static final int DEFAULT_TRIES = 20;
    private static final long T0 = 1_700_000_000_000L;
    private static final int SEGMENT_BYTES = 6000;
    private static final LogConfig CONFIG = LogConfig.defaults().with(Map.of(
        LogConfig.SEGMENT_BYTES_CONFIG, Integer.toString(SEGMENT_BYTES),
        LogConfig.SEGMENT_INDEX_BYTES_CONFIG, "4096",
        LogConfig.INDEX_INTERVAL_BYTES_CONFIG, "128",
        LogConfig.SEGMENT_MS_CONFIG, Long.toString(Long.MAX_VALUE),
        LogConfig.RETENTION_MS_CONFIG, "-1",
        LogConfig.RETENTION_BYTES_CONFIG, "-1"));
    private static final Compression[] CODECS = {Compression.NONE, Compression.GZIP, Compression.LZ4};

    @TempDir
    Path tmp;

    static Stream<Long> seeds() {
        final Long fixed = Long.getLong("keel.property.seed");
        if (fixed != null) {
            return Stream.of(fixed);
        }
        final long base = System.nanoTime();
        System.out.println("LogPropertyTest: seeds from " + base + " (one seed: -Dkeel.property.seed=N)");
        final Random random = new Random(base);
        return LongStream.range(0, Integer.getInteger("keel.property.tries", DEFAULT_TRIES))
            .mapToObj(i -> random.nextLong());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldAgreeWithTheModelAfterEveryStepWhenRunningRandomOperations(final long seed) throws IOException {
        final List<Op> ops = generate(seed);
        final Failure failure = run(ops, seed, 0);
        if (failure == null) {
            return;
        }
        final List<Op> shrunk = shrink(ops, failure, seed);
        final Failure minimal = run(shrunk, seed, 1_000_000);
        final StringBuilder message = new StringBuilder("seed ").append(seed)
            .append(" (repeat with -Dkeel.property.seed=").append(seed).append("): ")
            .append(minimal == null ? failure.error : minimal.error).append("\nshrunk from ").append(ops.size())
            .append(" to ").append(shrunk.size()).append(" operations:\n");
        for (int i = 0; i < shrunk.size(); i++) {
            message.append("  ").append(i).append(": ").append(shrunk.get(i)).append('\n');
        }
        throw new AssertionError(message.toString(), minimal == null ? failure.error : minimal.error);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operations
    // ---------------------------------------------------------------------------------------------------------

    /** One step; its parameters are fractions, so that it means something in any state (shrinking removes steps). */
    private interface Op {
        void apply(World world) throws IOException;
    }

    /** Records of one batch: {@code seed} picks their count, timestamps, keys and values. */
    private record BatchSpec(long seed, Compression codec) {
    }

    private record Append(List<BatchSpec> batches) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            world.append(batches);
        }
    }

    private record Roll() implements Op {
        @Override
        public void apply(final World world) throws IOException {
            world.log.roll();
            world.model.roll();
        }
    }

    /** Truncates to a batch boundary (or the log start or end) picked by {@code at} in [0, 1]. */
    private record TruncateTo(double at) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            final List<Long> boundaries = world.model.boundaries();
            final long offset = boundaries.get((int) Math.min(boundaries.size() - 1, at * boundaries.size()));
            world.log.truncateTo(offset);
            world.model.truncateTo(offset);
        }
    }

    private record TruncateFullyAndStartAt(double at, int ahead) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            final Model model = world.model;
            final long offset = model.logStart + (long) (at * (model.logEnd - model.logStart)) + ahead;
            world.log.truncateFullyAndStartAt(offset);
            model.truncateFullyAndStartAt(offset);
        }
    }

    private record DeleteRecordsBefore(double at) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            final Model model = world.model;
            final long offset = model.logStart + (long) (at * (model.logEnd - model.logStart + 2));
            assertEquals(model.deleteRecordsBefore(offset), world.log.deleteRecordsBefore(offset),
                "deleteRecordsBefore " + offset);
        }
    }

    /** retention.bytes at a fraction of the log's size. */
    private record RetainBytes(double fraction) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            world.applyRetention(-1, (long) (fraction * world.model.sizeInBytes()));
        }
    }

    /** Advances the clock, then sets retention.ms so that segments older than one of the segments' max timestamps
     * expire. */
    private record RetainTime(int advanceMs, double at) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            world.time.advance(advanceMs);
            final long now = world.time.milliseconds();
            final List<Long> maxTimestamps = world.model.segmentMaxTimestamps();
            final long retentionMs = maxTimestamps.isEmpty() ? 1000
                : now - maxTimestamps.get((int) Math.min(maxTimestamps.size() - 1, at * maxTimestamps.size()));
            world.applyRetention(Math.max(0, retentionMs), -1);
        }
    }

    private record CleanReopen() implements Op {
        @Override
        public void apply(final World world) throws IOException {
            world.log.close();
            world.log = world.open(world.dir, world.model.logEnd, true);
        }
    }

    /** A crash image (the files copied while the log is open) opened as after an unclean shutdown. */
    private record CrashReopen(boolean fromRecoveryPoint) implements Op {
        @Override
        public void apply(final World world) throws IOException {
            final Path image = world.dir.getParent().resolveSibling("image-" + world.images++).resolve("prop-0");
            Directories.copyFiles(world.dir, image);
            final long recoveryPoint = fromRecoveryPoint ? world.log.recoveryPoint() : 0;
            world.log.close();
            world.dir = image;
            world.log = world.open(image, recoveryPoint, false);
        }
    }

    private static List<Op> generate(final long seed) {
        final Random random = new Random(seed);
        final int count = 10 + random.nextInt(50);
        final List<Op> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final int kind = random.nextInt(100);
            if (kind < 50) {
                final List<BatchSpec> batches = new ArrayList<>();
                final int n = random.nextInt(6) == 0 ? 2 + random.nextInt(2) : 1;
                for (int b = 0; b < n; b++) {
                    batches.add(new BatchSpec(random.nextLong(), CODECS[random.nextInt(CODECS.length)]));
                }
                ops.add(new Append(batches));
            } else if (kind < 56) {
                ops.add(new Roll());
            } else if (kind < 63) {
                ops.add(new TruncateTo(random.nextDouble()));
            } else if (kind < 66) {
                ops.add(new TruncateFullyAndStartAt(random.nextDouble(), random.nextInt(5)));
            } else if (kind < 72) {
                ops.add(new DeleteRecordsBefore(random.nextDouble()));
            } else if (kind < 77) {
                ops.add(new RetainBytes(random.nextDouble()));
            } else if (kind < 82) {
                ops.add(new RetainTime(random.nextInt(500), random.nextDouble()));
            } else if (kind < 90) {
                ops.add(new CleanReopen());
            } else {
                ops.add(new CrashReopen(random.nextBoolean()));
            }
        }
        return ops;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running and shrinking
    // ---------------------------------------------------------------------------------------------------------

    /** The first failure of a run: the step it happened at (ops.size() for the final check) and the error. */
    private record Failure(int step, Throwable error) {
    }

    private Failure run(final List<Op> ops, final long seed, final int attempt) throws IOException {
        final Path root = Files.createDirectories(tmp.resolve("run-" + attempt));
        final World world = new World(root.resolve("log").resolve("prop-0"), new Random(seed ^ 0x5DEECE66DL));
        try {
            world.log = world.open(world.dir, 0, false);
            for (int step = 0; step < ops.size(); step++) {
                final Op op = ops.get(step);
                try {
                    op.apply(world);
                    world.check();
                } catch (final AssertionError | RuntimeException | IOException ex) {
                    return new Failure(step, new AssertionError("step " + step + " " + op + ": " + ex.getMessage()
                        + "\nmodel: " + world.model, ex));
                }
            }
        } finally {
            if (world.log != null) {
                world.log.close();
            }
        }
        final List<String> leaked = OpenFiles.under(root);
        return leaked.isEmpty() ? null : new Failure(ops.size() - 1, new AssertionError("after the last step and "
            + "close, files are still open or mapped: " + leaked));
    }

    /**
     * Keeps the shortest failing prefix, then removes single operations, last first, while the run still fails.
     */
    private List<Op> shrink(final List<Op> ops, final Failure failure, final long seed) throws IOException {
        List<Op> current = new ArrayList<>(ops.subList(0, failure.step() + 1));
        int attempt = 1;
        boolean progress = true;
        while (progress && attempt < 500) {
            progress = false;
            for (int i = current.size() - 1; i >= 0 && attempt < 500; i--) {
                final List<Op> candidate = new ArrayList<>(current);
                candidate.remove(i);
                final Failure again = run(candidate, seed, attempt++);
                if (again != null) {
                    current = new ArrayList<>(candidate.subList(0, again.step() + 1));
                    progress = true;
                    i = Math.min(i, current.size());
                }
            }
        }
        return current;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The world: the log under test, its model and the clock
    // ---------------------------------------------------------------------------------------------------------

    private static final class World {
        final ManualTime time = new ManualTime(T0 + 2000);
        final Model model = new Model();
        final Random probes;
        final AppendResult result = new AppendResult();
        Path dir;
        Log log;
        int images;

        World(final Path dir, final Random probes) {
            this.dir = dir;
            this.probes = probes;
        }

        Log open(final Path logDir, final long recoveryPoint, final boolean clean) throws IOException {
            // background work (the flush after a roll, the pre-touch) runs inline, so that a seed replays exactly
            // and no background thread holds a file when the leak check looks
            return Log.open(logDir, CONFIG, LogOptions.defaults().time(time).background(Runnable::run)
                .pretouchExecutor(Runnable::run), recoveryPoint, model.logStart, clean);
        }

        void append(final List<BatchSpec> specs) {
            final List<ModelBatch> batches = new ArrayList<>();
            long next = model.logEnd;
            int total = 0;
            for (final BatchSpec spec : specs) {
                final ModelBatch batch = ModelBatch.build(spec, next);
                batches.add(batch);
                next = batch.lastOffset + 1;
                total += batch.bytes.length;
            }
            final ByteBuffer records = ByteBuffer.allocate(total);
            for (final ModelBatch batch : batches) {
                // as a producer sends it: base offset 0, no leader epoch; the log writes both in place
                final ByteBuffer sent = ByteBuffer.wrap(batch.bytes.clone());
                new RecordBatchView().wrap(sent, 0).setBaseOffset(0);
                new RecordBatchView().wrap(sent, 0).setPartitionLeaderEpoch(RecordBatchFormat.NO_PARTITION_LEADER_EPOCH);
                records.put(sent);
            }
            records.flip();
            final int expected = total > SEGMENT_BYTES ? ErrorCode.RECORD_LIST_TOO_LARGE : ErrorCode.NONE;
            assertEquals(expected, log.tryAppendAsLeader(records, 7, result), () -> "append " + result);
            if (expected == ErrorCode.NONE) {
                assertEquals(model.logEnd, result.firstOffset(), "first offset");
                assertEquals(next - 1, result.lastOffset(), "last offset");
                model.append(batches);
            }
        }

        void applyRetention(final long retentionMs, final long retentionBytes) throws IOException {
            log.updateConfig(CONFIG.with(LogConfig.RETENTION_MS_CONFIG, retentionMs)
                .with(LogConfig.RETENTION_BYTES_CONFIG, retentionBytes));
            try {
                final int deleted = log.deleteOldSegments();
                assertEquals(model.deleteOldSegments(time.milliseconds(), retentionMs, retentionBytes), deleted,
                    "segments deleted by retention.ms=" + retentionMs + " retention.bytes=" + retentionBytes);
            } finally {
                log.updateConfig(CONFIG);
            }
        }

        void check() throws IOException {
            assertEquals(model.logStart, log.logStartOffset(), "log start");
            assertEquals(model.logEnd, log.logEndOffset(), "log end");
            assertEquals(Arrays.toString(model.segmentBases()), Arrays.toString(log.segmentBaseOffsets()),
                "segment base offsets");
            assertEquals(model.sizeInBytes(), log.sizeInBytes(), "size in bytes");
            checkReads();
            checkOffsetsForTimestamps();
        }

        private void checkReads() throws IOException {
            final List<Long> offsets = new ArrayList<>(List.of(model.logStart - 1, model.logStart, model.logEnd,
                model.logEnd + 1));
            for (int i = 0; i < 12 && model.logEnd > model.logStart; i++) {
                offsets.add(model.logStart + (long) (probes.nextDouble() * (model.logEnd - model.logStart)));
            }
            try (ReadResult read = new ReadResult()) {
                for (final long offset : offsets) {
                    final int maxBytes = probes.nextInt(3) == 0 ? Integer.MAX_VALUE : 1 + probes.nextInt(3 * 1024);
                    final long upper = probes.nextBoolean() ? Long.MAX_VALUE
                        : offset + probes.nextInt(30) - 2;
                    final boolean minOneBatch = probes.nextBoolean();
                    final String what = "read(" + offset + ", " + maxBytes + ", " + upper + ", " + minOneBatch + ")";
                    final ModelRead expected = model.read(offset, maxBytes, upper, minOneBatch);
                    assertEquals(expected.code, log.read(offset, maxBytes, upper, minOneBatch, read), what);
                    if (expected.code != ErrorCode.NONE) {
                        continue;
                    }
                    assertEquals(expected.bytes.length, read.sizeInBytes(), what + " size");
                    if (expected.bytes.length > 0) {
                        assertEquals(expected.firstOffset, read.firstOffset(), what + " first offset");
                        final ByteBuffer copy = ByteBuffer.allocate(read.sizeInBytes());
                        read.readFully(copy);
                        assertArrayEquals(expected.bytes, copy.array(), what + " bytes");
                    }
                    read.release();
                }
            }
        }

        private void checkOffsetsForTimestamps() {
            final OffsetAndTimestamp found = new OffsetAndTimestamp();
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.EARLIEST_TIMESTAMP, found));
            assertEquals(model.logStart, found.offset(), "earliest");
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.LATEST_TIMESTAMP, found));
            assertEquals(model.logEnd, found.offset(), "latest");
            assertEquals(ErrorCode.NONE, log.offsetForTimestamp(Log.MAX_TIMESTAMP, found));
            assertEquals(model.maxTimestamp(), found.offset() + "@" + found.timestampMs(), "max timestamp");
            final List<Long> targets = new ArrayList<>(List.of(0L, T0 - 1, T0 + 1000, T0 + 2000));
            final List<long[]> records = model.records();
            for (int i = 0; i < 8 && !records.isEmpty(); i++) {
                final long timestamp = records.get(probes.nextInt(records.size()))[1];
                targets.add(timestamp);
                targets.add(timestamp + 1);
            }
            for (final long target : targets) {
                assertEquals(ErrorCode.NONE, log.offsetForTimestamp(target, found));
                assertEquals(model.offsetForTimestamp(target), found.offset() + "@" + found.timestampMs(),
                    "offset for timestamp " + target);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The model
    // ---------------------------------------------------------------------------------------------------------

    /** A batch as the log must store it, with its records' offsets and timestamps. */
    private static final class ModelBatch {
        final long baseOffset;
        final long lastOffset;
        final long maxTimestamp;
        final byte[] bytes;
        final long[] timestamps;

        private ModelBatch(final long baseOffset, final long maxTimestamp, final byte[] bytes,
                           final long[] timestamps) {
            this.baseOffset = baseOffset;
            this.lastOffset = baseOffset + timestamps.length - 1;
            this.maxTimestamp = maxTimestamp;
            this.bytes = bytes;
            this.timestamps = timestamps;
        }

        /** The batch at {@code baseOffset} with leader epoch 7, as the leader append stores it. */
        static ModelBatch build(final BatchSpec spec, final long baseOffset) {
            final Random random = new Random(spec.seed());
            final long[] timestamps = new long[1 + random.nextInt(random.nextInt(4) == 0 ? 30 : 6)];
            long max = RecordBatchFormat.NO_TIMESTAMP;
            try (RecordBatchBuilder builder = new RecordBatchBuilder(spec.codec())) {
                builder.baseOffset(baseOffset).partitionLeaderEpoch(7);
                for (int i = 0; i < timestamps.length; i++) {
                    timestamps[i] = T0 + random.nextInt(1000);
                    max = Math.max(max, timestamps[i]);
                    final byte[] key = random.nextInt(3) == 0 ? null
                        : ("key-" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
                    final byte[] value = new byte[random.nextInt(random.nextInt(5) == 0 ? 1000 : 120)];
                    for (int b = 0; b < value.length; b++) {
                        value[b] = (byte) ('a' + random.nextInt(random.nextBoolean() ? 3 : 26));
                    }
                    builder.append(timestamps[i], key, value);
                }
                final ByteBuffer built = builder.build();
                final byte[] bytes = new byte[built.remaining()];
                built.get(bytes);
                return new ModelBatch(baseOffset, max, bytes, timestamps);
            }
        }

        @Override
        public String toString() {
            return "[" + baseOffset + ".." + lastOffset + " " + bytes.length + "B]";
        }
    }

    private static final class ModelSegment {
        final long baseOffset;
        final List<ModelBatch> batches = new ArrayList<>();

        ModelSegment(final long baseOffset) {
            this.baseOffset = baseOffset;
        }

        int size() {
            int size = 0;
            for (final ModelBatch batch : batches) {
                size += batch.bytes.length;
            }
            return size;
        }

        long maxTimestamp() {
            long max = RecordBatchFormat.NO_TIMESTAMP;
            for (final ModelBatch batch : batches) {
                max = Math.max(max, batch.maxTimestamp);
            }
            return max;
        }

        @Override
        public String toString() {
            return "segment " + baseOffset + batches;
        }
    }

    private record ModelRead(int code, long firstOffset, byte[] bytes) {
    }

    /** The log as a list of segments of batches, with Kafka's rules for rolls, truncation and retention. */
    private static final class Model {
        final List<ModelSegment> segments = new ArrayList<>(List.of(new ModelSegment(0)));
        long logStart;
        long logEnd;

        ModelSegment active() {
            return segments.get(segments.size() - 1);
        }

        void append(final List<ModelBatch> batches) {
            int total = 0;
            for (final ModelBatch batch : batches) {
                total += batch.bytes.length;
            }
            if (active().size() > 0 && active().size() + total > SEGMENT_BYTES) {
                roll();
            }
            active().batches.addAll(batches);
            logEnd = batches.get(batches.size() - 1).lastOffset + 1;
        }

        void roll() {
            if (active().size() > 0) {
                segments.add(new ModelSegment(logEnd));
            }
        }

        /** The log start, every batch's base offset above it, and the log end. */
        List<Long> boundaries() {
            final List<Long> boundaries = new ArrayList<>(List.of(logStart));
            for (final ModelSegment segment : segments) {
                for (final ModelBatch batch : segment.batches) {
                    if (batch.baseOffset > logStart) {
                        boundaries.add(batch.baseOffset);
                    }
                }
            }
            boundaries.add(logEnd);
            return boundaries;
        }

        void truncateTo(final long offset) {
            if (offset >= logEnd) {
                return;
            }
            if (offset <= logStart) {
                truncateFullyAndStartAt(offset);
                return;
            }
            while (segments.size() > 1 && active().baseOffset >= offset) {
                segments.remove(segments.size() - 1);
            }
            active().batches.removeIf(batch -> batch.lastOffset >= offset);
            logEnd = offset;
        }

        void truncateFullyAndStartAt(final long offset) {
            segments.clear();
            segments.add(new ModelSegment(offset));
            logStart = offset;
            logEnd = offset;
        }

        int deleteRecordsBefore(final long offset) {
            if (offset > logEnd) {
                return ErrorCode.OFFSET_OUT_OF_RANGE;
            }
            if (offset > logStart) {
                logStart = offset;
                deleteSegmentsBelowLogStart();
            }
            return ErrorCode.NONE;
        }

        private int deleteSegmentsBelowLogStart() {
            int deleted = 0;
            while (segments.size() > 1 && segments.get(1).baseOffset <= logStart) {
                segments.remove(0);
                deleted++;
            }
            return deleted;
        }

        int deleteOldSegments(final long nowMs, final long retentionMs, final long retentionBytes) {
            int deleted = deleteSegmentsBelowLogStart();
            if (retentionMs >= 0) {
                while (segments.get(0).size() > 0 && nowMs - segments.get(0).maxTimestamp() > retentionMs) {
                    deleteOldest();
                    deleted++;
                }
            }
            if (retentionBytes >= 0) {
                long excess = sizeInBytes() - retentionBytes;
                while (segments.get(0).size() > 0 && excess - segments.get(0).size() >= 0) {
                    excess -= segments.get(0).size();
                    deleteOldest();
                    deleted++;
                }
            }
            return deleted;
        }

        private void deleteOldest() {
            if (segments.size() == 1) {
                roll();
            }
            segments.remove(0);
            logStart = Math.max(logStart, segments.get(0).baseOffset);
        }

        long sizeInBytes() {
            long size = 0;
            for (final ModelSegment segment : segments) {
                size += segment.size();
            }
            return size;
        }

        long[] segmentBases() {
            final long[] bases = new long[segments.size()];
            for (int i = 0; i < bases.length; i++) {
                bases[i] = segments.get(i).baseOffset;
            }
            return bases;
        }

        List<Long> segmentMaxTimestamps() {
            final List<Long> timestamps = new ArrayList<>();
            for (final ModelSegment segment : segments) {
                if (segment.size() > 0) {
                    timestamps.add(segment.maxTimestamp());
                }
            }
            return timestamps;
        }

        /**
         * Whole batches from the one segment that holds the first batch ending at or after {@code offset}: up to
         * {@code maxBytes} (the first even if larger with {@code minOneBatch}), none ending at or above the bound.
         */
        ModelRead read(final long offset, final int maxBytes, final long upper, final boolean minOneBatch) {
            final byte[] none = new byte[0];
            if (offset < logStart || offset > logEnd) {
                return new ModelRead(ErrorCode.OFFSET_OUT_OF_RANGE, -1, none);
            }
            final long limit = Math.min(upper, logEnd);
            if (offset >= limit) {
                return new ModelRead(ErrorCode.NONE, -1, none);
            }
            int first = 0;
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i).baseOffset <= offset) {
                    first = i;
                }
            }
            for (int i = first; i < segments.size(); i++) {
                final List<ModelBatch> batches = segments.get(i).batches;
                int start = 0;
                while (start < batches.size() && batches.get(start).lastOffset < offset) {
                    start++;
                }
                if (start == batches.size()) {
                    continue;
                }
                final List<ModelBatch> taken = new ArrayList<>();
                long total = 0;
                for (int b = start; b < batches.size(); b++) {
                    final ModelBatch batch = batches.get(b);
                    if (batch.lastOffset >= limit || (total + batch.bytes.length > maxBytes
                        && !(total == 0 && minOneBatch))) {
                        break;
                    }
                    taken.add(batch);
                    total += batch.bytes.length;
                }
                final ByteBuffer bytes = ByteBuffer.allocate((int) total);
                for (final ModelBatch batch : taken) {
                    bytes.put(batch.bytes);
                }
                return new ModelRead(ErrorCode.NONE, taken.isEmpty() ? -1 : taken.get(0).baseOffset, bytes.array());
            }
            return new ModelRead(ErrorCode.NONE, -1, none);
        }

        /** Every record at or above the log start as {offset, timestamp}, in offset order. */
        List<long[]> records() {
            final List<long[]> records = new ArrayList<>();
            for (final ModelSegment segment : segments) {
                for (final ModelBatch batch : segment.batches) {
                    for (int i = 0; i < batch.timestamps.length; i++) {
                        if (batch.baseOffset + i >= logStart) {
                            records.add(new long[] {batch.baseOffset + i, batch.timestamps[i]});
                        }
                    }
                }
            }
            return records;
        }

        /** ListOffsets by time: the first record at or above the log start whose timestamp reaches the target. */
        String offsetForTimestamp(final long target) {
            for (final long[] record : records()) {
                if (record[1] >= target) {
                    return record[0] + "@" + record[1];
                }
            }
            return "-1@-1";
        }

        /** ListOffsets MAX_TIMESTAMP: the first record at or above the log start with the largest timestamp. */
        String maxTimestamp() {
            long[] best = null;
            for (final long[] record : records()) {
                if (best == null || record[1] > best[1]) {
                    best = record;
                }
            }
            return best == null ? "-1@-1" : best[0] + "@" + best[1];
        }

        @Override
        public String toString() {
            return "logStart=" + logStart + " logEnd=" + logEnd + " " + segments;
        }
    }
}
