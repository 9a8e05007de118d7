package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintReaderTest {
    private final VarintReader reader = new VarintReader();

    @Test
    void shouldReportTooLongWhenVarintHasSixBytes() {
        final byte[] bytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        reader.wrap(ByteBuffer.wrap(bytes), 0, bytes.length);

        assertEquals(0, reader.readVarint());
        assertEquals(VarintReader.TOO_LONG, reader.status());
        assertThrows(IllegalArgumentException.class, () -> ByteUtils.readVarint(ByteBuffer.wrap(bytes)),
            "Kafka rejects it too");
    }

    @Test
    void shouldDropExtraBitsOfFifthByteAsKafkaDoes() {
        final byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F};
        reader.wrap(ByteBuffer.wrap(bytes), 0, bytes.length);

        assertEquals(ByteUtils.readVarint(ByteBuffer.wrap(bytes)), reader.readVarint());
        assertTrue(reader.ok());
    }

    @Test
    void shouldReportTooLongWhenVarlongHasElevenBytes() {
        final byte[] bytes = new byte[11];
        java.util.Arrays.fill(bytes, (byte) 0x81);
        reader.wrap(ByteBuffer.wrap(bytes), 0, bytes.length);

        assertEquals(0L, reader.readVarlong());
        assertEquals(VarintReader.TOO_LONG, reader.status());
        assertEquals("too long", VarintReader.describe(reader.status()));
    }

    @Test
    void shouldReportTruncatedWhenVarintRunsPastLimit() {
        final byte[] bytes = {(byte) 0x80, (byte) 0x80, 0x01};
        reader.wrap(ByteBuffer.wrap(bytes), 0, 2);

        assertEquals(0, reader.readVarint());
        assertEquals(VarintReader.TRUNCATED, reader.status());
        assertEquals(0, reader.position());
    }

    @Test
    void shouldStayFailedAfterFirstFailure() {
        final byte[] bytes = {0x02, 0x04};
        reader.wrap(ByteBuffer.wrap(bytes), 0, 2);

        reader.skip(3);

        assertFalse(reader.ok());
        assertEquals(0, reader.readVarint());
        assertEquals(0, reader.readByte());
        assertEquals(VarintReader.TRUNCATED, reader.status());
    }

    @Test
    void shouldReportTruncatedWhenSkippingNegativeLength() {
        reader.wrap(ByteBuffer.wrap(new byte[4]), 0, 4);

        reader.skip(-1);

        assertEquals(VarintReader.TRUNCATED, reader.status());
    }

    @Test
    void shouldReadWithinNarrowedLimit() {
        final byte[] bytes = {0x02, 0x04, 0x06};
        reader.wrap(ByteBuffer.wrap(bytes), 0, 3);
        reader.limit(1);

        assertEquals(1, reader.readVarint());
        assertEquals(0, reader.readVarint());
        assertEquals(VarintReader.TRUNCATED, reader.status());
    }

    @Test
    void shouldRejectRegionOutsideBuffer() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> reader.wrap(ByteBuffer.allocate(4), 0, 5));
        assertEquals("region [0, 5) is outside the buffer limit 4", e.getMessage());
    }
}
