package keel.perf.engine;

import keel.log.Compression;
import keel.log.RecordBatchBuilder;
import keel.log.RecordBatchFormat;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Builds the uncompressed v2 record batches the benchmarks append: values of a fixed size filled from a seeded
 * random source (no key, no headers), either as many records as fit in {@value #BATCH_BYTES} bytes (a Kafka
 * producer's default {@code batch.size}) or one record per batch. Thread-safe: no state.
 */
final class Batches {
    /** Kafka's default producer {@code batch.size}. */
    static final int BATCH_BYTES = 16 * 1024;
    /** Benchmark parameter value: records packed into 16 KiB batches. */
    static final String BATCH_16K = "batch16k";
    /** Benchmark parameter value: one record per batch. */
    static final String SINGLE = "single";

    private static final long SEED = 42L;
    private static final long TIMESTAMP_MS = 1_765_000_000_000L;

    private Batches() {
    }

    /**
     * @param recordBytes the value size of each record.
     * @param batching    {@link #BATCH_16K} or {@link #SINGLE}.
     * @return a direct, big-endian buffer holding one valid batch, position 0, limit its size.
     */
    static ByteBuffer build(final int recordBytes, final String batching) {
        final int maxBatchBytes;
        if (BATCH_16K.equals(batching)) {
            maxBatchBytes = BATCH_BYTES;
        } else if (SINGLE.equals(batching)) {
            maxBatchBytes = 0;
        } else {
            throw new IllegalArgumentException("batching=" + batching + " must be " + BATCH_16K + " or " + SINGLE);
        }
        final byte[] value = randomBytes(recordBytes);
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.append(TIMESTAMP_MS, null, value);
            if (maxBatchBytes > 0) {
                builder.maxBatchSizeBytes(maxBatchBytes);
                while (builder.hasRoomFor(TIMESTAMP_MS, null, value)) {
                    builder.append(TIMESTAMP_MS, null, value);
                }
            }
            final ByteBuffer heap = builder.build();
            final ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
            direct.put(heap).flip();
            return direct;
        }
    }

    /**
     * @param recordBytes the value size of each record.
     * @param batching    {@link #BATCH_16K} or {@link #SINGLE}.
     * @return the number of records {@link #build(int, String)} puts in a batch.
     */
    static int recordsPerBatch(final int recordBytes, final String batching) {
        final ByteBuffer batch = build(recordBytes, batching);
        return batch.getInt(RecordBatchFormat.RECORDS_COUNT_OFFSET);
    }

    static byte[] randomBytes(final int length) {
        final byte[] bytes = new byte[length];
        new Random(SEED).nextBytes(bytes);
        return bytes;
    }
}
