package keel.server.group;

import keel.log.Compression;
import keel.log.RecordBatchFormat;
import keel.log.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Records (key, value or null for a tombstone) for {@code __consumer_offsets}, built into uncompressed v2 batches
 * with one timestamp. Confined to one thread.
 */
final class OffsetsBatch {
    private final long timestampMs;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private ByteBuffer built;

    OffsetsBatch(final long timestampMs) {
        this.timestampMs = timestampMs;
    }

    void add(final byte[] key, final byte[] value) {
        keys.add(key);
        values.add(value);
        built = null;
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * @return the size of all records in one batch.
     */
    int sizeInBytes() {
        return build().remaining();
    }

    /**
     * @return all records in one batch, position 0.
     */
    ByteBuffer build() {
        if (built == null) {
            try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
                for (int i = 0; i < keys.size(); i++) {
                    builder.append(timestampMs, keys.get(i), values.get(i));
                }
                built = builder.build();
            }
        }
        return built.duplicate();
    }

    /**
     * @param maxBatchBytes the log's batch limit.
     * @return the records in as many batches as needed to stay under the limit (a single record over it gets a
     *     batch of its own, which the log then refuses).
     */
    List<ByteBuffer> buildSplit(final int maxBatchBytes) {
        final List<ByteBuffer> batches = new ArrayList<>();
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.maxBatchSizeBytes(Math.max(maxBatchBytes, RecordBatchFormat.RECORD_BATCH_OVERHEAD));
            for (int i = 0; i < keys.size(); i++) {
                if (builder.recordCount() > 0 && !builder.hasRoomFor(timestampMs, keys.get(i), values.get(i))) {
                    batches.add(builder.build());
                    builder.reset();
                }
                builder.append(timestampMs, keys.get(i), values.get(i));
            }
            if (builder.recordCount() > 0) {
                batches.add(builder.build());
            }
        }
        return batches;
    }
}
