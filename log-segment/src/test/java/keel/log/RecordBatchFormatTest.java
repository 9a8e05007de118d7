package keel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordBatchFormatTest {
    @Test
    void shouldMatchKafkasPublicLayoutConstants() {
        assertEquals(Records.LOG_OVERHEAD, RecordBatchFormat.LOG_OVERHEAD);
        assertEquals(DefaultRecordBatch.RECORD_BATCH_OVERHEAD, RecordBatchFormat.RECORD_BATCH_OVERHEAD);
        assertEquals(DefaultRecordBatch.CRC_OFFSET, RecordBatchFormat.CRC_OFFSET);
        assertEquals(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, RecordBatchFormat.LAST_OFFSET_DELTA_OFFSET);
        assertEquals(DefaultRecordBatch.RECORDS_COUNT_OFFSET, RecordBatchFormat.RECORDS_COUNT_OFFSET);
        assertEquals(Records.MAGIC_OFFSET, RecordBatchFormat.MAGIC_OFFSET);
        assertEquals(Records.SIZE_OFFSET, RecordBatchFormat.BATCH_LENGTH_OFFSET);
        assertEquals(RecordBatch.MAGIC_VALUE_V2, RecordBatchFormat.MAGIC_VALUE_V2);
        assertEquals(RecordBatch.NO_PRODUCER_ID, RecordBatchFormat.NO_PRODUCER_ID);
        assertEquals(RecordBatch.NO_PRODUCER_EPOCH, RecordBatchFormat.NO_PRODUCER_EPOCH);
        assertEquals(RecordBatch.NO_SEQUENCE, RecordBatchFormat.NO_SEQUENCE);
        assertEquals(RecordBatch.NO_PARTITION_LEADER_EPOCH, RecordBatchFormat.NO_PARTITION_LEADER_EPOCH);
        assertEquals(RecordBatch.NO_TIMESTAMP, RecordBatchFormat.NO_TIMESTAMP);
    }

    @Test
    void shouldPlaceFieldsAtTheDocumentedOffsets() {
        assertEquals(0, RecordBatchFormat.BASE_OFFSET_OFFSET);
        assertEquals(8, RecordBatchFormat.BATCH_LENGTH_OFFSET);
        assertEquals(12, RecordBatchFormat.PARTITION_LEADER_EPOCH_OFFSET);
        assertEquals(16, RecordBatchFormat.MAGIC_OFFSET);
        assertEquals(17, RecordBatchFormat.CRC_OFFSET);
        assertEquals(21, RecordBatchFormat.ATTRIBUTES_OFFSET);
        assertEquals(23, RecordBatchFormat.LAST_OFFSET_DELTA_OFFSET);
        assertEquals(27, RecordBatchFormat.BASE_TIMESTAMP_OFFSET);
        assertEquals(35, RecordBatchFormat.MAX_TIMESTAMP_OFFSET);
        assertEquals(43, RecordBatchFormat.PRODUCER_ID_OFFSET);
        assertEquals(51, RecordBatchFormat.PRODUCER_EPOCH_OFFSET);
        assertEquals(53, RecordBatchFormat.BASE_SEQUENCE_OFFSET);
        assertEquals(57, RecordBatchFormat.RECORDS_COUNT_OFFSET);
        assertEquals(61, RecordBatchFormat.RECORDS_OFFSET);
        assertEquals(49, RecordBatchFormat.MIN_BATCH_LENGTH);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "5,3", "2147483647,0", "2147483647,1", "2147483646,5", "2147483600,2147483647", "0,2147483647"})
    void shouldWrapSequencesAsKafkaDoes(final int sequence, final int delta) {
        assertEquals(DefaultRecordBatch.incrementSequence(sequence, delta),
            RecordBatchFormat.incrementSequence(sequence, delta));
        assertEquals(DefaultRecordBatch.decrementSequence(sequence, delta),
            RecordBatchFormat.decrementSequence(sequence, delta));
    }
}
