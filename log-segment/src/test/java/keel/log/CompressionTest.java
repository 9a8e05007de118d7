package keel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionTest {
    @ParameterizedTest
    @EnumSource(Compression.class)
    void shouldUseKafkasIdAndNameWhenMappingCodec(final Compression compression) {
        final CompressionType kafka = CompressionType.forId(compression.id());

        assertEquals(kafka.name, compression.codecName());
        assertEquals(kafka.name, compression.toString());
        assertSame(compression, Compression.forId(kafka.id));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 5, 7, 8})
    void shouldRejectUnknownIdWhenLookingUpCodec(final int id) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.forId(id));

        assertEquals("Unknown compression id " + id + " (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)",
            e.getMessage());
    }
}
