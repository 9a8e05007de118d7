package keel.log.testing;

import keel.log.Compression;
import keel.log.Log;
import keel.log.RecordBatchBuilder;
import keel.log.RecordBatchView;
import keel.log.RecordReader;
import keel.log.RecordView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
    /**
     * One line per record, comparable across readers: offset, timestamp, key, value (Base64, or "null") and
     * headers. {@link #describe(long, long, byte[], byte[], String[], byte[][])} builds the same line from any
     * other source (Kafka's classes, a model).
     *
     * @param batches concatenated batches.
     * @return the records' descriptions, in order.
     */
    public static List<String> describe(final ByteBuffer batches) {
        final List<String> lines = new ArrayList<>();
        final RecordBatchView view = new RecordBatchView();
        try (RecordReader reader = new RecordReader()) {
            int position = batches.position();
            while (position < batches.limit()) {
                view.wrap(batches, position);
                reader.open(view);
                while (reader.next()) {
                    final RecordView record = reader.record();
                    final String[] headerKeys = new String[record.headerCount()];
                    final byte[][] headerValues = new byte[record.headerCount()][];
                    for (int i = 0; i < headerKeys.length; i++) {
                        headerKeys[i] = record.headerKey(i);
                        headerValues[i] = record.headerValue(i);
                    }
                    lines.add(describe(record.offset(), record.timestamp(), record.hasKey() ? record.keyBytes() : null,
                        record.hasValue() ? record.valueBytes() : null, headerKeys, headerValues));
                }
                position += view.sizeInBytes();
            }
        }
        return lines;
    }

    /**
     * @param offset       the record's offset.
     * @param timestampMs  its timestamp.
     * @param key          its key, or null.
     * @param value        its value, or null.
     * @param headerKeys   its header keys.
     * @param headerValues its header values (null entries allowed).
     * @return the line {@link #describe(ByteBuffer)} gives for such a record.
     */
    public static String describe(final long offset, final long timestampMs, final byte[] key, final byte[] value,
                                  final String[] headerKeys, final byte[][] headerValues) {
        final StringBuilder line = new StringBuilder();
        line.append("offset=").append(offset).append(" ts=").append(timestampMs).append(" key=").append(base64(key))
            .append(" value=").append(base64(value)).append(" headers=[");
        for (int i = 0; i < headerKeys.length; i++) {
            line.append(i == 0 ? "" : ",").append(headerKeys[i]).append('=').append(base64(headerValues[i]));
        }
        return line.append(']').toString();
    }

    private static String base64(final byte[] bytes) {
        return bytes == null ? "null" : Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Reads every record from the log start to the log end, across segments, skipping the records of the first
     * batch that lie below the log start.
     *
     * @param log an open log.
     * @return the descriptions of {@link #describe(ByteBuffer)}, in offset order.
     * @throws IOException if a read fails.
     */
    public static List<String> describeAll(final Log log) throws IOException {
        final List<String> all = new ArrayList<>();
        final RecordBatchView view = new RecordBatchView();
        final long end = log.logEndOffset();
        long offset = log.logStartOffset();
        while (offset < end) {
            final ByteBuffer batches = log.readBatches(offset, 1 << 20);
            if (!batches.hasRemaining()) {
                throw new IllegalStateException("No batch at offset " + offset + " below the log end " + end + " of "
                    + log);
            }
            final List<String> lines = describe(batches.duplicate());
            final List<Long> offsets = offsets(batches.duplicate());
            for (int i = 0; i < lines.size(); i++) {
                if (offsets.get(i) >= offset) {
                    all.add(lines.get(i));
                }
            }
            int position = 0;
            long next = offset;
            while (position < batches.limit()) {
                view.wrap(batches, position);
                next = view.lastOffset() + 1;
                position += view.sizeInBytes();
            }
            offset = next;
        }
        return all;
    }
}
