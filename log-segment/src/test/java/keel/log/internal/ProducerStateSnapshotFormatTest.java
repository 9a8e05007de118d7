package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerStateSnapshotFormatTest {
    @Test
    void shouldPadOffsetToTwentyDigitsWhenNamingFile() {
        assertEquals("00000000000000000042.snapshot", ProducerStateSnapshotFormat.fileName(42L));
        assertEquals("09223372036854775807.snapshot", ProducerStateSnapshotFormat.fileName(Long.MAX_VALUE));
    }

    @Test
    void shouldParseOffsetWhenNameIsSnapshotFile() {
        assertEquals(42L, ProducerStateSnapshotFormat.offsetFromFileName("00000000000000000042.snapshot"));
        assertEquals(Long.MAX_VALUE, ProducerStateSnapshotFormat.offsetFromFileName("09223372036854775807.snapshot"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42.snapshot", "0000000000000000004x.snapshot", "00000000000000000042.snapshot.tmp",
        "00000000000000000042.log", "99999999999999999999.snapshot"})
    void shouldReturnMinusOneWhenNameIsNotSnapshotFile(final String name) {
        assertEquals(-1L, ProducerStateSnapshotFormat.offsetFromFileName(name));
    }

    @Test
    void shouldThrowWhenOffsetIsNegative() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProducerStateSnapshotFormat.fileName(-1L));

        assertEquals("snapshot offset=-1 must be >= 0", ex.getMessage());
    }

    @Test
    void shouldHaveKafkaEntryLength() {
        // producerId 8 + epoch 2 + lastSequence 4 + lastOffset 8 + offsetDelta 4 + timestamp 8
        // + coordinatorEpoch 4 + currentTxnFirstOffset 8
        assertEquals(46, ProducerStateSnapshotFormat.ENTRY_LENGTH);
        assertEquals(10, ProducerStateSnapshotFormat.HEADER_LENGTH);
    }
}
