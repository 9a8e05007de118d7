package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import keel.log.ErrorCode;

/**
 * A trivial oracle for {@link ProducerStateManager} (a map of producer id to a list of batches, the log as a list,
 * snapshots as copies of that map) and a driver that runs the same random operations on both and compares them
 * after every step.
 */
final class ProducerStateModel {
    private static final long[] PRODUCER_IDS = {1L, 2L, 3L, 1_000_000_007L};
    private static final long EXPIRATION_MS = 10_000L;

    record Batch(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                 long maxTimestampMs) {
    }

    static final class Producer {
        short epoch;
        long lastUpdateMs;
        final ArrayDeque<Batch> batches = new ArrayDeque<>();
    }

    private final Map<Long, Producer> producers = new HashMap<>();

    // ---- the oracle ----

    /** Kafka's rules, written as plainly as possible. */
    int check(final long producerId, final short epoch, final int firstSeq, final int lastSeq, final Batch[] duplicate) {
        final Producer p = producers.get(producerId);
        if (p == null) {
            return ErrorCode.NONE;
        }
        if (epoch == p.epoch) {
            for (final Batch b : p.batches) {
                if (b.firstSeq == firstSeq && b.lastSeq == lastSeq) {
                    duplicate[0] = b;
                    return ErrorCode.DUPLICATE_SEQUENCE_NUMBER;
                }
            }
        }
        if (epoch < p.epoch) {
            return ErrorCode.INVALID_PRODUCER_EPOCH;
        }
        if (epoch > p.epoch) {
            return firstSeq == 0 ? ErrorCode.NONE : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
        }
        final int last = p.batches.isEmpty() ? -1 : p.batches.getLast().lastSeq;
        final int expected = last == Integer.MAX_VALUE ? 0 : last + 1;
        return firstSeq == expected ? ErrorCode.NONE : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
    }

    void update(final Batch batch, final long appendTimeMs) {
        Producer p = producers.get(batch.producerId);
        if (p == null) {
            p = new Producer();
            p.epoch = batch.epoch;
            producers.put(batch.producerId, p);
        }
        if (p.epoch != batch.epoch) {
            p.epoch = batch.epoch;
            p.batches.clear();
        }
        p.batches.addLast(batch);
        if (p.batches.size() > 5) {
            p.batches.removeFirst();
        }
        p.lastUpdateMs = appendTimeMs;
    }

    void removeExpired(final long nowMs) {
        producers.values().removeIf(p -> nowMs - p.lastUpdateMs >= EXPIRATION_MS);
    }

    /** What a snapshot keeps: epoch and last batch, one timestamp (the newer of batch and last append). */
    Map<Long, Producer> snapshot() {
        final Map<Long, Producer> copy = new HashMap<>();
        producers.forEach((id, p) -> {
            final Batch last = p.batches.getLast();
            final long timestampMs = Math.max(last.maxTimestampMs, p.lastUpdateMs);
            final Producer c = new Producer();
            c.epoch = p.epoch;
            c.batches.add(new Batch(last.producerId, last.epoch, last.firstSeq, last.lastSeq, last.firstOffset,
                last.lastOffset, timestampMs));
            c.lastUpdateMs = timestampMs;
            copy.put(id, c);
        });
        return copy;
    }

    void load(final Map<Long, Producer> snapshot, final long nowMs) {
        producers.clear();
        snapshot.forEach((id, p) -> {
            if (nowMs - p.lastUpdateMs < EXPIRATION_MS) {
                final Producer c = new Producer();
                c.epoch = p.epoch;
                c.batches.addAll(p.batches);
                c.lastUpdateMs = p.lastUpdateMs;
                producers.put(id, c);
            }
        });
    }

    void clear() {
        producers.clear();
    }

    // ---- the driver ----

    static final class Driver {
        private final Path dir;
        private final Random random;
        private final ProducerStateModel model = new ProducerStateModel();
        private final List<Batch> log = new ArrayList<>();
        private final TreeMap<Long, Map<Long, Producer>> snapshots = new TreeMap<>();
        private final Set<Long> corrupt = new HashSet<>();
        private final List<Throwable> errors = new ArrayList<>();
        private final ProducerStateResult out = new ProducerStateResult();
        private final StringBuilder trace = new StringBuilder();
        private ProducerStateManager state;
        private long nowMs = 1_000_000L;
        private long logStartOffset;
        private long logEndOffset;
        private int expectedErrors;

        Driver(final Path dir, final long seed) throws IOException {
            this.dir = dir;
            this.random = new Random(seed);
            this.state = ProducerStateManager.open(dir, EXPIRATION_MS, () -> nowMs, errors::add);
        }

        String trace() {
            return trace.toString();
        }

        void run(final int steps) throws IOException {
            try {
                for (int i = 0; i < steps; i++) {
                    step(i);
                    compare();
                }
            } finally {
                state.close();
            }
        }

        private void step(final int i) throws IOException {
            final int op = random.nextInt(100);
            if (op < 55) {
                clientBatch(i);
            } else if (op < 65) {
                followerBatch(i);
            } else if (op < 74) {
                advanceClock(i);
            } else if (op < 78) {
                note(i, "removeExpired " + nowMs);
                state.removeExpiredProducers(nowMs);
                model.removeExpired(nowMs);
            } else if (op < 85) {
                note(i, "snapshot " + logEndOffset);
                state.takeSnapshot(logEndOffset);
                snapshots.put(logEndOffset, model.snapshot());
                corrupt.remove(logEndOffset);
            } else if (op < 90) {
                note(i, "reload");
                state.close();
                state = ProducerStateManager.open(dir, EXPIRATION_MS, () -> nowMs, errors::add);
                loadAndReplay(logEndOffset);
            } else if (op < 95) {
                truncate(i);
            } else if (op < 97) {
                retention(i);
            } else {
                corruptLatestSnapshot(i);
            }
        }

        /** Mostly random steps; sometimes exactly to a producer's expiry, the boundary where it must go. */
        private void advanceClock(final int i) {
            final Producer p = model.producers.get(PRODUCER_IDS[random.nextInt(PRODUCER_IDS.length)]);
            if (p != null && random.nextInt(3) == 0 && p.lastUpdateMs + EXPIRATION_MS >= nowMs) {
                nowMs = p.lastUpdateMs + EXPIRATION_MS - random.nextInt(2);
            } else {
                nowMs += random.nextInt(4_000);
            }
            note(i, "clock " + nowMs);
        }

        private void clientBatch(final int i) {
            final long producerId = PRODUCER_IDS[random.nextInt(PRODUCER_IDS.length)];
            final Producer p = model.producers.get(producerId);
            int records = 1 + random.nextInt(4);
            short epoch = p == null ? (short) random.nextInt(3) : p.epoch;
            final int last = p == null || p.batches.isEmpty() ? -1 : p.batches.getLast().lastSeq;
            final int firstSeq;
            switch (random.nextInt(8)) {
                case 0, 1, 2 -> firstSeq = p == null ? startSequence() : ProducerStateManager.incrementSequence(last, 1);
                case 3 -> {
                    if (p != null && !p.batches.isEmpty()) {
                        final Batch b = new ArrayList<>(p.batches).get(random.nextInt(p.batches.size()));
                        firstSeq = b.firstSeq;
                        records = (int) (b.lastOffset - b.firstOffset + 1);
                    } else {
                        firstSeq = startSequence();
                    }
                }
                case 4 -> firstSeq = ProducerStateManager.incrementSequence(Math.max(last, 0), 2 + random.nextInt(3));
                case 5 -> {
                    epoch = (short) (epoch + 1);
                    firstSeq = random.nextBoolean() ? 0 : 1 + random.nextInt(5);
                }
                case 6 -> {
                    epoch = (short) Math.max(0, epoch - 1);
                    firstSeq = ProducerStateManager.incrementSequence(Math.max(last, 0), 1);
                }
                default -> firstSeq = startSequence();
            }
            final int lastSeq = ProducerStateManager.incrementSequence(firstSeq, records - 1);

            final Batch[] duplicate = new Batch[1];
            final int expected = model.check(producerId, epoch, firstSeq, lastSeq, duplicate);
            out.reset();
            final int actual = state.check(producerId, epoch, firstSeq, lastSeq, out);
            note(i, "client pid=" + producerId + " epoch=" + epoch + " seq=" + firstSeq + ".." + lastSeq + " -> "
                + ErrorCode.name(expected));
            assertEquals(ErrorCode.name(expected), ErrorCode.name(actual), "check result");
            if (expected == ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
                final Batch b = duplicate[0];
                assertEquals(b.firstOffset, out.firstOffset(), "duplicate firstOffset");
                assertEquals(b.lastOffset, out.lastOffset(), "duplicate lastOffset");
                assertEquals(b.maxTimestampMs, out.timestampMs(), "duplicate timestamp");
            } else if (expected == ErrorCode.NONE) {
                append(new Batch(producerId, epoch, firstSeq, lastSeq, logEndOffset, logEndOffset + records - 1,
                    batchTimestampMs()));
            }
        }

        /** Client clocks: mostly behind the broker, sometimes ahead. */
        private long batchTimestampMs() {
            return nowMs - 3_000 + random.nextInt(4_000);
        }

        private int startSequence() {
            return random.nextInt(3) == 0 ? Integer.MAX_VALUE - random.nextInt(3) : random.nextInt(10);
        }

        private void followerBatch(final int i) {
            final long producerId = PRODUCER_IDS[random.nextInt(PRODUCER_IDS.length)];
            final Producer p = model.producers.get(producerId);
            final short epoch = (short) Math.max(0, (p == null ? 0 : p.epoch) + random.nextInt(3) - 1);
            final int records = 1 + random.nextInt(4);
            final int firstSeq = startSequence();
            final Batch batch = new Batch(producerId, epoch, firstSeq,
                ProducerStateManager.incrementSequence(firstSeq, records - 1), logEndOffset,
                logEndOffset + records - 1, batchTimestampMs());
            note(i, "follower " + batch);
            append(batch);
        }

        private void append(final Batch b) {
            state.update(b.producerId, b.epoch, b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset, b.maxTimestampMs,
                nowMs);
            model.update(b, nowMs);
            log.add(b);
            logEndOffset = b.lastOffset + 1;
        }

        private void truncate(final int i) throws IOException {
            final List<Long> boundaries = new ArrayList<>();
            for (final Batch b : log) {
                boundaries.add(b.firstOffset);
            }
            boundaries.add(logEndOffset);
            final long target = boundaries.get(random.nextInt(boundaries.size()));
            log.removeIf(b -> b.firstOffset >= target);
            logEndOffset = target;
            // Both ways to truncate are allowed: truncateTo then load, or load alone (it drops newer snapshots too).
            if (random.nextBoolean()) {
                note(i, "truncateTo " + target);
                state.truncateTo(target);
                snapshots.tailMap(target, false).clear();
            } else {
                note(i, "truncate by loading up to " + target);
            }
            loadAndReplay(target);
        }

        private void retention(final int i) throws IOException {
            if (log.isEmpty()) {
                return;
            }
            final long newStart = log.get(random.nextInt(log.size())).firstOffset;
            note(i, "retention logStart=" + newStart);
            log.removeIf(b -> b.firstOffset < newStart);
            logStartOffset = newStart;
            state.deleteSnapshotsBefore(newStart);
            snapshots.headMap(newStart).clear();
            corrupt.removeIf(offset -> offset < newStart);
        }

        private void corruptLatestSnapshot(final int i) throws IOException {
            if (snapshots.isEmpty() || corrupt.contains(snapshots.lastKey())) {
                return;
            }
            final long offset = snapshots.lastKey();
            final Path file = dir.resolve(ProducerStateSnapshotFormat.fileName(offset));
            final long size = Files.size(file);
            if (random.nextBoolean()) {
                note(i, "flip a byte of snapshot " + offset);
                ProducerStateManagerTest.flipByte(file, random.nextInt((int) size));
            } else {
                note(i, "truncate snapshot " + offset);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(random.nextInt((int) size));
                }
            }
            corrupt.add(offset);
        }

        /** The Log's recovery: load the newest usable snapshot, then replay the log from its offset. */
        private void loadAndReplay(final long upToOffset) throws IOException {
            final long loaded = state.loadFromSnapshot(logStartOffset, upToOffset);

            snapshots.tailMap(upToOffset, false).clear();
            long expected = logStartOffset;
            model.clear();
            Map.Entry<Long, Map<Long, Producer>> candidate = snapshots.floorEntry(upToOffset);
            while (candidate != null && candidate.getKey() >= logStartOffset) {
                if (corrupt.remove(candidate.getKey())) {
                    snapshots.remove(candidate.getKey());
                    expectedErrors++;
                    candidate = snapshots.lowerEntry(candidate.getKey());
                } else {
                    model.load(candidate.getValue(), nowMs);
                    expected = candidate.getKey();
                    break;
                }
            }
            assertEquals(expected, loaded, "snapshot offset loaded");
            assertEquals(expectedErrors, errors.size(), "corrupt snapshots reported: " + errors);

            for (final Batch b : log) {
                if (b.firstOffset >= loaded) {
                    state.update(b.producerId, b.epoch, b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset,
                        b.maxTimestampMs, b.maxTimestampMs);
                    model.update(b, b.maxTimestampMs);
                }
            }
        }

        private void compare() throws IOException {
            assertEquals(model.producers.size(), state.activeProducers(), "active producers");
            for (final long producerId : PRODUCER_IDS) {
                final Producer p = model.producers.get(producerId);
                final String who = "producer " + producerId;
                assertEquals(p != null, state.contains(producerId), who + " known");
                if (p == null) {
                    continue;
                }
                assertEquals(p.epoch, state.producerEpoch(producerId), who + " epoch");
                assertEquals(p.lastUpdateMs, state.lastUpdateMs(producerId), who + " lastUpdateMs");
                assertEquals(p.batches.size(), state.batchCount(producerId), who + " batch count");
                int index = 0;
                for (final Batch b : p.batches) {
                    state.batch(producerId, index, out);
                    final String where = who + " batch " + index;
                    assertEquals(b.firstSeq, out.firstSequence(), where + " firstSeq");
                    assertEquals(b.lastSeq, out.lastSequence(), where + " lastSeq");
                    assertEquals(b.firstOffset, out.firstOffset(), where + " firstOffset");
                    assertEquals(b.lastOffset, out.lastOffset(), where + " lastOffset");
                    assertEquals(b.maxTimestampMs, out.timestampMs(), where + " timestamp");
                    index++;
                }
            }
            assertEquals(snapshots.isEmpty() ? -1L : snapshots.lastKey(), state.latestSnapshotOffset(), "latest");
            assertEquals(snapshots.isEmpty() ? -1L : snapshots.firstKey(), state.oldestSnapshotOffset(), "oldest");
            try (Stream<Path> files = Files.list(dir)) {
                final Set<Long> onDisk = files
                    .map(f -> ProducerStateSnapshotFormat.offsetFromFileName(f.getFileName().toString()))
                    .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(snapshots.keySet(), onDisk, "snapshot files on disk");
            }
        }

        private void note(final int step, final String what) {
            trace.append(step).append(": ").append(what).append('\n');
        }
    }
}
