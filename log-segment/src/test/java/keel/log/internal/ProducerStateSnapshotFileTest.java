package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.Field;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.Struct;
import org.apache.kafka.common.protocol.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot layout against Kafka's own schema definition (kafka-clients' protocol types, the classes Kafka's
 * {@code ProducerStateManager} builds its snapshot schema from), in both directions, and every corruption check.
 */
class ProducerStateSnapshotFileTest {
    private static final Schema KAFKA_ENTRY_SCHEMA = new Schema(
        new Field("producer_id", Type.INT64, ""),
        new Field("epoch", Type.INT16, ""),
        new Field("last_sequence", Type.INT32, ""),
        new Field("last_offset", Type.INT64, ""),
        new Field("offset_delta", Type.INT32, ""),
        new Field("timestamp", Type.INT64, ""),
        new Field("coordinator_epoch", Type.INT32, ""),
        new Field("current_txn_first_offset", Type.INT64, ""));
    private static final Schema KAFKA_SNAPSHOT_SCHEMA = new Schema(
        new Field("version", Type.INT16, ""),
        new Field("crc", Type.UNSIGNED_INT32, ""),
        new Field("producer_entries", new ArrayOf(KAFKA_ENTRY_SCHEMA), ""));

    @TempDir
    Path dir;

    private static ProducerStateEntry entry(final long producerId, final short epoch) {
        return new ProducerStateEntry(producerId, epoch, 99L);
    }

    @Test
    void shouldWriteLayoutThatKafkaSchemaReads() throws IOException {
        final ProducerStateEntry withBatches = entry(7L, (short) 2);
        withBatches.addBatch(0, 4, 100L, 104L, 1_000L);
        withBatches.addBatch(5, 6, 110L, 111L, 2_000L);
        final ProducerStateEntry withoutBatch = entry(9L, (short) 5);

        final Path file = ProducerStateSnapshotFile.write(dir, 112L, new ProducerStateEntry[] {withBatches,
            withoutBatch}, 2);

        final byte[] bytes = Files.readAllBytes(file);
        final Struct struct = KAFKA_SNAPSHOT_SCHEMA.read(ByteBuffer.wrap(bytes));
        assertEquals((short) 1, struct.get("version"));
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 6, bytes.length - 6);
        assertEquals(crc.getValue(), struct.get("crc"));
        final Object[] entries = struct.getArray("producer_entries");
        assertEquals(2, entries.length);
        final Struct first = (Struct) entries[0];
        assertEquals(7L, first.get("producer_id"));
        assertEquals((short) 2, first.get("epoch"));
        assertEquals(6, first.get("last_sequence"));
        assertEquals(111L, first.get("last_offset"));
        assertEquals(1, first.get("offset_delta"));
        assertEquals(2_000L, first.get("timestamp"));
        assertEquals(-1, first.get("coordinator_epoch"));
        assertEquals(-1L, first.get("current_txn_first_offset"));
        final Struct second = (Struct) entries[1];
        assertEquals(9L, second.get("producer_id"));
        assertEquals(-1, second.get("last_sequence"));
        assertEquals(-1L, second.get("last_offset"));
        assertEquals(99L, second.get("timestamp"));
        assertEquals(KAFKA_SNAPSHOT_SCHEMA.sizeOf(struct), bytes.length);
    }

    @Test
    void shouldLoadSnapshotWrittenWithKafkaSchema() throws IOException {
        final Struct struct = new Struct(KAFKA_SNAPSHOT_SCHEMA);
        struct.set("version", (short) 1);
        struct.set("crc", 0L);
        final Struct withBatch = struct.instance("producer_entries")
            .set("producer_id", 11L).set("epoch", (short) 4).set("last_sequence", 2).set("last_offset", 50L)
            .set("offset_delta", 4).set("timestamp", 5_000L).set("coordinator_epoch", -1)
            .set("current_txn_first_offset", -1L);
        final Struct epochOnly = struct.instance("producer_entries")
            .set("producer_id", 12L).set("epoch", (short) 8).set("last_sequence", -1).set("last_offset", -1L)
            .set("offset_delta", 0).set("timestamp", 6_000L).set("coordinator_epoch", -1)
            .set("current_txn_first_offset", -1L);
        struct.set("producer_entries", new Object[] {withBatch, epochOnly});
        final ByteBuffer buffer = ByteBuffer.allocate(struct.sizeOf());
        struct.writeTo(buffer);
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 6, buffer.capacity() - 6);
        buffer.putInt(2, (int) crc.getValue());
        Files.write(dir.resolve("00000000000000000051.snapshot"), buffer.array());
        final ProducerStateResult out = new ProducerStateResult();

        try (ProducerStateManager state = ProducerStateManager.open(dir, 10_000L, () -> 6_000L)) {
            assertEquals(51L, state.loadFromSnapshot(0, 51L));
            assertEquals(2, state.activeProducers());
            state.lastBatch(11L, out);
            assertEquals(Integer.MAX_VALUE - 1, out.firstSequence());
            assertEquals(46L, out.firstOffset());
            assertEquals(50L, out.lastOffset());
            assertEquals(5_000L, out.timestampMs());
            assertEquals(8, state.producerEpoch(12L));
            assertEquals(0, state.batchCount(12L));
            assertEquals(6_000L, state.lastUpdateMs(12L));
        }
    }

    @Test
    void shouldWriteIdenticalFilesWhenStatesAreEqual() throws IOException {
        final ProducerStateEntry a = entry(1L, (short) 0);
        a.addBatch(0, 0, 0L, 0L, 5L);
        final ProducerStateEntry b = entry(2L, (short) 0);
        b.addBatch(0, 0, 1L, 1L, 6L);

        final byte[] first = Files.readAllBytes(
            ProducerStateSnapshotFile.write(dir, 2L, new ProducerStateEntry[] {a, b}, 2));
        final byte[] second = Files.readAllBytes(
            ProducerStateSnapshotFile.write(dir, 3L, new ProducerStateEntry[] {a, b}, 2));

        assertEquals(ByteBuffer.wrap(first), ByteBuffer.wrap(second));
    }

    @Test
    void shouldReadSnapshotLargerThanOneWriteBuffer() throws IOException {
        final int count = 2_500;
        final ProducerStateEntry[] entries = new ProducerStateEntry[count];
        for (int i = 0; i < count; i++) {
            entries[i] = entry(i, (short) 1);
            entries[i].addBatch(i, i, i, i, i);
        }

        final ByteBuffer snapshot = ProducerStateSnapshotFile.read(
            ProducerStateSnapshotFile.write(dir, count, entries, count));

        assertEquals(count, ProducerStateSnapshotFormat.entryCount(snapshot));
        assertEquals(count - 1L, ProducerStateSnapshotFormat.producerId(snapshot, count - 1));
        assertEquals(count - 1L, ProducerStateSnapshotFormat.lastOffset(snapshot, count - 1));
    }

    @Test
    void shouldRejectSnapshotWhenHeaderIsTruncated() throws IOException {
        final Path file = dir.resolve("00000000000000000000.snapshot");
        Files.write(file, new byte[] {0, 1, 0, 0, 0});

        assertError("Producer snapshot is truncated: size=5 bytes, header needs 10 file=" + file, file);
    }

    @Test
    void shouldRejectSnapshotWhenVersionIsUnknown() throws IOException {
        final Path file = validSnapshot();
        ProducerStateManagerTest.flipByte(file, 1);

        assertError("Producer snapshot has unknown version=91 (expected 1) file=" + file, file);
    }

    @Test
    void shouldRejectSnapshotWhenEntryCountDoesNotMatchSize() throws IOException {
        final Path file = validSnapshot();
        Files.write(file, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);

        assertError("Producer snapshot is truncated or has a bad entry count: entries=1 need 56 bytes, size=57 bytes"
            + " file=" + file, file);
    }

    @Test
    void shouldRejectSnapshotWhenCrcDoesNotMatch() throws IOException {
        final Path file = validSnapshot();
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        final long storedCrc = Integer.toUnsignedLong(bytes.getInt(2));
        bytes.put(20, (byte) (bytes.get(20) ^ 1));
        Files.write(file, bytes.array());
        final CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 6, bytes.capacity() - 6);

        assertError("Producer snapshot CRC mismatch: stored=" + storedCrc + " computed=" + crc.getValue()
            + " file=" + file, file);
    }

    @Test
    void shouldRejectSnapshotWhenProducerIdAppearsTwice() throws IOException {
        final ProducerStateEntry[] twice = {entry(3L, (short) 0), entry(3L, (short) 1)};
        final Path file = ProducerStateSnapshotFile.write(dir, 0, twice, 2);

        assertError("Producer snapshot entry index=1 producerId=3 appears twice file=" + file, file);
    }

    @Test
    void shouldRejectSnapshotWhenBatchIsImpossible() throws IOException {
        final ProducerStateEntry entry = entry(3L, (short) 0);
        entry.addBatch(0, 10, 0L, 10L, 1L);
        final Path file = ProducerStateSnapshotFile.write(dir, 11L, new ProducerStateEntry[] {entry}, 1);
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        bytes.putInt(ProducerStateSnapshotFormat.entryPosition(0) + ProducerStateSnapshotFormat.OFFSET_DELTA_OFFSET,
            11);
        rewriteCrc(bytes);
        Files.write(file, bytes.array());

        assertError("Producer snapshot entry index=0 producerId=3 has an impossible batch: lastSequence=10"
            + " lastOffset=10 offsetDelta=11 file=" + file, file);
    }

    private Path validSnapshot() throws IOException {
        final ProducerStateEntry entry = entry(3L, (short) 0);
        entry.addBatch(0, 0, 0L, 0L, 1L);
        return ProducerStateSnapshotFile.write(dir, 1L, new ProducerStateEntry[] {entry}, 1);
    }

    private static void rewriteCrc(final ByteBuffer bytes) {
        final CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 6, bytes.capacity() - 6);
        bytes.putInt(2, (int) crc.getValue());
    }

    private static void assertError(final String expectedMessage, final Path file) {
        final ProducerStateSnapshotException ex = assertThrows(ProducerStateSnapshotException.class,
            () -> ProducerStateSnapshotFile.read(file));
        assertEquals(expectedMessage, ex.getMessage());
        assertEquals(file, ex.file());
    }
}
