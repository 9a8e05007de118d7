package keel.log.tool;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a segment file with Kafka's own classes (kafka-clients {@code FileRecords}, {@code MemoryRecords}): one
 * batch per codec Kafka has, an idempotent batch, a transactional batch and its commit marker.
 */
final class KafkaSegments {
    /** Timestamp of the first record. */
    static final long T0 = 1_700_000_000_000L;
    /** Codec of each plain batch, in file order; batch i holds offsets 2i and 2i + 1. */
    static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
    /** Offsets written: 2 per codec batch, 1 idempotent, 1 transactional, 1 commit marker. */
    static final int OFFSETS = 2 * CODECS.length + 3;

    private KafkaSegments() {
    }

    /**
     * Writes {@code 00000000000000000000.log} into a new partition directory, with every batch described above.
     *
     * @param dir the directory, created.
     * @return the segment file.
     * @throws IOException if it cannot be written.
     */
    static Path write(final Path dir) throws IOException {
        return write(dir, true);
    }

    /**
     * Writes {@code 00000000000000000000.log} into a new partition directory.
     *
     * @param dir             the directory, created.
     * @param withTransaction whether to end with the transactional batch and its commit marker.
     * @return the segment file.
     * @throws IOException if it cannot be written.
     */
    static Path write(final Path dir, final boolean withTransaction) throws IOException {
        Files.createDirectories(dir);
        final Path file = dir.resolve(TestLogs.FIRST + ".log");
        try (FileRecords records = FileRecords.open(file.toFile())) {
            long offset = 0;
            for (final String codec : CODECS) {
                final Header[] headers = {new RecordHeader("codec", bytes(codec))};
                records.append(MemoryRecords.withRecords(offset, Compression.of(codec).build(),
                    new SimpleRecord(T0 + offset, bytes("key-" + offset), bytes(codec + "-" + offset), headers),
                    new SimpleRecord(T0 + offset + 1, null, bytes(codec + "-" + (offset + 1)))));
                offset += 2;
            }
            records.append(MemoryRecords.withIdempotentRecords(offset, Compression.NONE, 42L, (short) 3, 0, 7,
                new SimpleRecord(T0 + offset, null, bytes("idempotent"))));
            offset++;
            if (!withTransaction) {
                records.flush();
                return file;
            }
            records.append(MemoryRecords.withTransactionalRecords(offset, Compression.NONE, 43L, (short) 1, 0, 7,
                new SimpleRecord(T0 + offset, null, bytes("transactional"))));
            offset++;
            records.append(MemoryRecords.withEndTransactionMarker(offset, T0 + offset, 7, 43L, (short) 1,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0)));
            records.flush();
        }
        return file;
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
