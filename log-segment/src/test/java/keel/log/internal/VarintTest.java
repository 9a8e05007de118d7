package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;

import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VarintTest {
    private static final int[] INT_EDGES = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 1 << 20, -(1 << 20),
        Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1};
    private static final long[] LONG_EDGES = {0L, 1L, -1L, 63L, -64L, 1L << 35, -(1L << 35), Long.MAX_VALUE,
        Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, 1_700_000_000_000L, -1_700_000_000_000L};

    static LongStream seeds() {
        return LongStream.range(0, 5);
    }

    @Test
    void shouldEncodeEdgeValuesAsKafkaDoes() {
        for (int value : INT_EDGES) {
            assertVarintAsKafka(value);
        }
        for (long value : LONG_EDGES) {
            assertVarlongAsKafka(value);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void shouldEncodeRandomValuesAsKafkaDoes(final long seed) {
        final Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            final int bits = random.nextInt(33);
            assertVarintAsKafka(random.nextInt() >> (32 - Math.max(1, bits)));
            assertVarlongAsKafka(random.nextLong() >> random.nextInt(64));
        }
    }

    private static void assertVarintAsKafka(final int value) {
        final ByteBuffer kafka = ByteBuffer.allocate(Varint.MAX_VARINT_BYTES);
        ByteUtils.writeVarint(value, kafka);
        final byte[] keel = new byte[Varint.MAX_VARINT_BYTES + 1];
        final int end = Varint.putVarint(keel, 1, value);

        assertEquals(ByteUtils.sizeOfVarint(value), Varint.sizeOfVarint(value), "size of " + value);
        assertEquals(kafka.position() + 1, end, "end of " + value);
        assertArrayEquals(Arrays.copyOf(kafka.array(), kafka.position()), Arrays.copyOfRange(keel, 1, end),
            "bytes of " + value);
        final VarintReader reader = new VarintReader().wrap(ByteBuffer.wrap(keel), 1, end);
        assertEquals(value, reader.readVarint(), "decoded " + value);
        assertEquals(end, reader.position());
        assertEquals(VarintReader.OK, reader.status());
    }

    private static void assertVarlongAsKafka(final long value) {
        final ByteBuffer kafka = ByteBuffer.allocate(Varint.MAX_VARLONG_BYTES);
        ByteUtils.writeVarlong(value, kafka);
        final byte[] keel = new byte[Varint.MAX_VARLONG_BYTES];
        final int end = Varint.putVarlong(keel, 0, value);

        assertEquals(ByteUtils.sizeOfVarlong(value), Varint.sizeOfVarlong(value), "size of " + value);
        assertArrayEquals(Arrays.copyOf(kafka.array(), kafka.position()), Arrays.copyOf(keel, end),
            "bytes of " + value);
        final VarintReader reader = new VarintReader().wrap(ByteBuffer.wrap(keel), 0, end);
        assertEquals(value, reader.readVarlong(), "decoded " + value);
        assertEquals(VarintReader.OK, reader.status());
    }
}
