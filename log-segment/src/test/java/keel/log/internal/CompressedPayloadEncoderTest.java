package keel.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import keel.log.Compression;
import org.apache.kafka.common.compress.Lz4BlockOutputStream;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressedPayloadEncoderTest {
    private final CompressedPayloadEncoder encoder = new CompressedPayloadEncoder();

    @AfterEach
    void close() {
        encoder.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 65_535, 65_536, 65_537, 300_000})
    void shouldWriteTheSameLz4FrameAsKafka(final int length) throws IOException {
        final byte[] input = mixedBytes(length, length);
        final ByteArrayOutputStream kafka = new ByteArrayOutputStream();
        try (OutputStream out = new Lz4BlockOutputStream(kafka, Lz4BlockOutputStream.BLOCKSIZE_64KB,
            CompressionType.LZ4.defaultLevel(), false, false)) {
            out.write(input);
        }

        final int encoded = encoder.encode(Compression.LZ4, input, 0, input.length);

        assertArrayEquals(kafka.toByteArray(), Arrays.copyOf(encoder.output(), encoded));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 65_536, 300_000})
    void shouldWriteTheSameGzipStreamAsJava(final int length) throws IOException {
        final byte[] input = mixedBytes(length, length + 1);
        final ByteArrayOutputStream java = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(java, 8 * 1024)) {
            out.write(input);
        }

        final int encoded = encoder.encode(Compression.GZIP, input, 0, input.length);

        assertArrayEquals(java.toByteArray(), Arrays.copyOf(encoder.output(), encoded));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 70_000, 200_000})
    void shouldStayWithinMaxEncodedLengthForIncompressibleInput(final int length) {
        final byte[] input = new byte[length];
        new Random(length).nextBytes(input);

        for (Compression compression : new Compression[] {Compression.GZIP, Compression.LZ4}) {
            final int encoded = encoder.encode(compression, input, 0, length);
            assertTrue(encoded <= CompressedPayloadEncoder.maxEncodedLength(compression, length),
                compression + " " + length + " -> " + encoded);
        }
    }

    @Test
    void shouldEncodeFromAnOffset() {
        final byte[] input = mixedBytes(1000, 1);
        final byte[] padded = new byte[1100];
        System.arraycopy(input, 0, padded, 50, 1000);

        final int expectedLength = encoder.encode(Compression.LZ4, input, 0, 1000);
        final byte[] expected = Arrays.copyOf(encoder.output(), expectedLength);
        final int actualLength = encoder.encode(Compression.LZ4, padded, 50, 1000);
        final byte[] actual = Arrays.copyOf(encoder.output(), actualLength);

        assertArrayEquals(expected, actual);
    }

    @Test
    void shouldRefuseCodecWithoutEncoder() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> encoder.encode(Compression.ZSTD, new byte[1], 0, 1));
        assertEquals("compression zstd is not supported by Keel (supported: none, gzip, lz4)", e.getMessage());
    }

    @Test
    void shouldRefuseUseAfterClose() {
        encoder.close();

        assertThrows(IllegalStateException.class, () -> encoder.encode(Compression.GZIP, new byte[1], 0, 1));
    }

    /** Half random, half repetitive, so both stored and compressed blocks occur. */
    static byte[] mixedBytes(final int length, final long seed) {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        for (int i = 0; i < length / 2; i++) {
            bytes[i] = (byte) (i % 13);
        }
        return bytes;
    }
}
