package keel.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Builds batches with kafka-clients' own builder and compares what Keel reads with what Kafka reads. Kafka classes
 * stay in tests: main code must not import them.
 */
final class RecordBatchTestSupport {
    static final long TIMESTAMP = 1_700_000_000_000L;

    private RecordBatchTestSupport() {
    }

    /** Settings of a Kafka-built batch; defaults match Kafka's producer without idempotence. */
    static final class KafkaBatchSpec {
        Compression compression = Compression.NONE;
        long baseOffset;
        long logAppendTime = RecordBatch.NO_TIMESTAMP;
        long producerId = RecordBatch.NO_PRODUCER_ID;
        short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
        int baseSequence = RecordBatch.NO_SEQUENCE;
        boolean transactional;
        int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
        final List<SimpleRecord> records = new ArrayList<>();

        KafkaBatchSpec compression(final Compression value) {
            compression = value;
            return this;
        }

        KafkaBatchSpec baseOffset(final long value) {
            baseOffset = value;
            return this;
        }

        KafkaBatchSpec logAppendTime(final long value) {
            logAppendTime = value;
            return this;
        }

        KafkaBatchSpec producer(final long id, final short epoch, final int sequence) {
            producerId = id;
            producerEpoch = epoch;
            baseSequence = sequence;
            return this;
        }

        KafkaBatchSpec transactional(final boolean value) {
            transactional = value;
            return this;
        }

        KafkaBatchSpec partitionLeaderEpoch(final int value) {
            partitionLeaderEpoch = value;
            return this;
        }

        KafkaBatchSpec record(final long timestamp, final String key, final String value, final Header... headers) {
            records.add(new SimpleRecord(timestamp, bytes(key), bytes(value), headers));
            return this;
        }

        ByteBuffer build() {
            final TimestampType type = logAppendTime == RecordBatch.NO_TIMESTAMP ? TimestampType.CREATE_TIME
                : TimestampType.LOG_APPEND_TIME;
            final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024),
                RecordBatch.MAGIC_VALUE_V2, kafkaCompression(compression), type, baseOffset, logAppendTime,
                producerId, producerEpoch, baseSequence, transactional, partitionLeaderEpoch);
            for (SimpleRecord record : records) {
                builder.append(record);
            }
            return builder.build().buffer();
        }
    }

    /** A spec with a mix of records: keys, null keys, null values, empty values, headers, out-of-order times. */
    static KafkaBatchSpec typicalSpec(final Compression compression) {
        return new KafkaBatchSpec().compression(compression)
            .record(TIMESTAMP, "key-0", "value-0")
            .record(TIMESTAMP + 5, null, "value-1", new RecordHeader("h1", bytes("v1")))
            .record(TIMESTAMP - 3, "key-2", null, new RecordHeader("h1", null), new RecordHeader("ünï", new byte[0]))
            .record(TIMESTAMP + 5, "", "")
            .record(RecordBatch.NO_TIMESTAMP, "key-4", "value-4".repeat(100));
    }

    static org.apache.kafka.common.compress.Compression kafkaCompression(final Compression compression) {
        return org.apache.kafka.common.compress.Compression.of(CompressionType.forId(compression.id())).build();
    }

    static byte[] bytes(final String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static MutableRecordBatch kafkaBatch(final ByteBuffer buffer) {
        final Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(buffer.duplicate()).batches()
            .iterator();
        assertTrue(batches.hasNext(), "Kafka found no batch");
        final MutableRecordBatch batch = batches.next();
        assertFalse(batches.hasNext(), "Kafka found more than one batch");
        return batch;
    }

    static byte[] toArray(final ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Rewrites the CRC after a test edited bytes it covers. */
    static void fixCrc(final ByteBuffer buffer, final int offset) {
        final RecordBatchView view = new RecordBatchView().wrap(buffer, offset);
        buffer.putInt(offset + RecordBatchFormat.CRC_OFFSET, (int) view.computeCrc());
    }

    /** Asserts Keel's reader returns exactly the records Kafka's iterator returns. */
    static void assertSameRecordsAsKafka(final ByteBuffer buffer, final String context) {
        final List<Record> expected = new ArrayList<>();
        kafkaBatch(buffer).iterator().forEachRemaining(expected::add);
        try (RecordReader reader = new RecordReader()) {
            reader.open(new RecordBatchView().wrap(buffer, 0));
            int index = 0;
            while (reader.next()) {
                assertTrue(index < expected.size(), context + ": Keel read more records than Kafka");
                assertSameRecord(expected.get(index), reader.record(), context + " record " + index);
                index++;
            }
            assertEquals(expected.size(), index, context + ": record count");
        }
    }

    static void assertSameRecord(final Record expected, final RecordView actual, final String context) {
        assertEquals(expected.offset(), actual.offset(), context + ": offset");
        assertEquals(expected.timestamp(), actual.timestamp(), context + ": timestamp");
        assertEquals(expected.sequence(), actual.sequence(), context + ": sequence");
        assertEquals(expected.sizeInBytes(), actual.sizeInBytes(), context + ": size");
        assertEquals(expected.hasKey(), actual.hasKey(), context + ": has key");
        assertArrayEquals(toArray(expected.key()), actual.keyBytes(), context + ": key");
        assertArrayEquals(toArray(expected.key()), toArray(actual.key()), context + ": key slice");
        assertEquals(expected.hasValue(), actual.hasValue(), context + ": has value");
        assertArrayEquals(toArray(expected.value()), actual.valueBytes(), context + ": value");
        final Header[] headers = expected.headers();
        assertEquals(headers.length, actual.headerCount(), context + ": header count");
        for (int i = 0; i < headers.length; i++) {
            assertEquals(headers[i].key(), actual.headerKey(i), context + ": header key " + i);
            assertArrayEquals(headers[i].value(), actual.headerValue(i), context + ": header value " + i);
        }
    }
}
