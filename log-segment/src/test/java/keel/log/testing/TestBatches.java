package keel.log.testing;

import keel.log.Compression;
import keel.log.RecordBatchBuilder;
import keel.log.RecordBatchView;
import keel.log.RecordReader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds record batches and reads them back for tests.
 */
public final class TestBatches {
    private TestBatches() {
    }

    /**
     * @param timestampMs the timestamp of every record.
     * @param values      one record per value, null keys.
     * @return one uncompressed batch.
     */
    public static ByteBuffer batch(final long timestampMs, final String... values) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            for (final String value : values) {
                builder.append(timestampMs, null, value.getBytes(StandardCharsets.UTF_8));
            }
            return builder.build();
        }
    }

    /**
     * @param timestampMs    the timestamp of every record.
     * @param producerId     the idempotent producer.
     * @param epoch          its epoch.
     * @param baseSequence   the first sequence.
     * @param values         one record per value.
     * @return one uncompressed idempotent batch.
     */
    public static ByteBuffer idempotent(final long timestampMs, final long producerId, final short epoch,
                                        final int baseSequence, final String... values) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.producerId(producerId).producerEpoch(epoch).baseSequence(baseSequence);
            for (final String value : values) {
                builder.append(timestampMs, null, value.getBytes(StandardCharsets.UTF_8));
            }
            return builder.build();
        }
    }

    /**
     * @param batchValueSize bytes of the single value of each batch.
     * @param timestampMs    the timestamp.
     * @return one batch with one record of that size.
     */
    public static ByteBuffer sized(final int batchValueSize, final long timestampMs) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.append(timestampMs, null, new byte[batchValueSize]);
            return builder.build();
        }
    }

    /**
     * @param batches concatenated batches.
     * @return the values of every record, in order.
     */
    public static List<String> values(final ByteBuffer batches) {
        final List<String> values = new ArrayList<>();
        final RecordBatchView view = new RecordBatchView();
        try (RecordReader reader = new RecordReader()) {
            int position = batches.position();
            while (position < batches.limit()) {
                view.wrap(batches, position);
                reader.open(view);
                while (reader.next()) {
                    values.add(new String(reader.record().valueBytes(), StandardCharsets.UTF_8));
                }
                position += view.sizeInBytes();
            }
        }
        return values;
    }

    /**
     * @param batches concatenated batches.
     * @return the offset of every record, in order.
     */
    public static List<Long> offsets(final ByteBuffer batches) {
        final List<Long> offsets = new ArrayList<>();
        final RecordBatchView view = new RecordBatchView();
        try (RecordReader reader = new RecordReader()) {
            int position = batches.position();
            while (position < batches.limit()) {
                view.wrap(batches, position);
                reader.open(view);
                while (reader.next()) {
                    offsets.add(reader.record().offset());
                }
                position += view.sizeInBytes();
            }
        }
        return offsets;
    }
}
