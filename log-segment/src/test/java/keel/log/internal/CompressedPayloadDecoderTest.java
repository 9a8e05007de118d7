package keel.log.internal;

import static keel.log.internal.CompressedPayloadEncoderTest.mixedBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import keel.log.Compression;
import keel.log.ErrorCode;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.apache.kafka.common.compress.Lz4BlockOutputStream;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressedPayloadDecoderTest {
    private static final int LIMIT = 1 << 24;

    private final CompressedPayloadDecoder decoder = new CompressedPayloadDecoder(LIMIT);

    @AfterEach
    void close() {
        decoder.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65_536, 65_537, 300_000})
    void shouldDecodeKafkasLz4Frames(final int length) throws IOException {
        final byte[] input = mixedBytes(length, 9);
        final ByteArrayOutputStream kafka = new ByteArrayOutputStream();
        try (OutputStream out = new Lz4BlockOutputStream(kafka, Lz4BlockOutputStream.BLOCKSIZE_64KB,
            CompressionType.LZ4.defaultLevel(), false, false)) {
            out.write(input);
        }

        assertDecodes(Compression.LZ4, kafka.toByteArray(), input);
    }

    @Test
    void shouldDecodeLz4FrameWithChecksumsContentSizeAndLargeBlocks() throws IOException {
        final byte[] input = mixedBytes(600_000, 4);
        final byte[] frame = lz4Frame(input, BLOCKSIZE.SIZE_256KB, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM,
            Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE);

        assertDecodes(Compression.LZ4, frame, input);
    }

    @Test
    void shouldDecodeFromDirectBufferAtAnOffset() throws IOException {
        final byte[] input = mixedBytes(100_000, 5);
        for (Compression compression : new Compression[] {Compression.GZIP, Compression.LZ4}) {
            final byte[] payload = compression == Compression.GZIP ? gzip(input) : lz4Frame(input,
                BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE);
            final ByteBuffer direct = ByteBuffer.allocateDirect(payload.length + 30);
            direct.put(30, payload);

            assertEquals(ErrorCode.NONE, decoder.decode(compression, direct, 30, payload.length),
                decoder.errorMessage());
            assertArrayEquals(input, output());
            assertEquals(0, direct.position());
        }
    }

    @Test
    void shouldRejectLz4FrameWithDependentBlocks() throws IOException {
        final byte[] frame = kafkaLz4(mixedBytes(1000, 1));
        frame[4] &= ~0x20;

        assertFails(Compression.LZ4, frame, ErrorCode.CORRUPT_MESSAGE,
            "LZ4 frame with dependent blocks is not supported (Kafka requires independent blocks)");
    }

    @Test
    void shouldRejectLz4FrameWithWrongHeaderChecksum() throws IOException {
        final byte[] frame = kafkaLz4(mixedBytes(1000, 1));
        final int stored = frame[6] & 0xFF;
        frame[6] = (byte) (stored + 1);

        assertFails(Compression.LZ4, frame, ErrorCode.CORRUPT_MESSAGE,
            "LZ4 frame descriptor checksum mismatch: stored " + ((stored + 1) & 0xFF) + ", computed " + stored);
    }

    @Test
    void shouldRejectLz4FrameWithBadBlockChecksum() throws IOException {
        final byte[] frame = lz4Frame(mixedBytes(1000, 1), BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE,
            Bits.BLOCK_CHECKSUM);
        frame[frame.length - 5] ^= 0x01;

        assertFails(Compression.LZ4, frame, ErrorCode.CORRUPT_MESSAGE, "LZ4 block checksum mismatch");
    }

    @Test
    void shouldRejectLz4FrameWithBadContentChecksum() throws IOException {
        final byte[] frame = lz4Frame(mixedBytes(1000, 1), BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE,
            Bits.CONTENT_CHECKSUM);
        frame[frame.length - 1] ^= 0x01;

        assertFails(Compression.LZ4, frame, ErrorCode.CORRUPT_MESSAGE, "LZ4 content checksum mismatch");
    }

    @Test
    void shouldRejectLz4BlockLargerThanFrameMaximum() throws IOException {
        final byte[] frame = kafkaLz4(mixedBytes(1000, 1));
        putIntLittleEndian(frame, 7, 65_537);

        assertFails(Compression.LZ4, frame, ErrorCode.CORRUPT_MESSAGE,
            "LZ4 block of 65537 bytes exceeds the frame's maximum block size 65536");
    }

    @Test
    void shouldRejectLz4FrameWithReservedBits() throws IOException {
        final byte[] frame = kafkaLz4(mixedBytes(10, 1));
        frame[4] |= 0x01;

        assertFails(Compression.LZ4, frame, ErrorCode.CORRUPT_MESSAGE,
            "LZ4 frame uses a dictionary id or reserved bits (FLG 0x61)");
    }

    @Test
    void shouldDecodeConcatenatedGzipMembersAndIgnoreTrailingBytesAsJavaDoes() throws IOException {
        final byte[] first = mixedBytes(5000, 1);
        final byte[] second = mixedBytes(7000, 2);
        final byte[] stream = concat(gzip(first), gzip(second), new byte[] {1, 2, 3});
        final byte[] expected = new GZIPInputStream(new ByteArrayInputStream(stream)).readAllBytes();

        assertEquals(12_000, expected.length);
        assertDecodes(Compression.GZIP, stream, expected);
    }

    @Test
    void shouldDecodeGzipHeaderWithOptionalFields() throws IOException {
        final byte[] input = mixedBytes(3000, 3);
        final byte[] stream = gzipWithAllHeaderFields(input);

        assertArrayEquals(input, new GZIPInputStream(new ByteArrayInputStream(stream)).readAllBytes());
        assertDecodes(Compression.GZIP, stream, input);
    }

    @Test
    void shouldRejectGzipWithWrongTrailerCrc() throws IOException {
        final byte[] input = mixedBytes(3000, 3);
        final byte[] stream = gzip(input);
        final CRC32 crc = new CRC32();
        crc.update(input);
        stream[stream.length - 8] ^= 0x01;

        assertFails(Compression.GZIP, stream, ErrorCode.CORRUPT_MESSAGE, "gzip CRC32 mismatch: stored "
            + (crc.getValue() ^ 0x01) + ", computed " + crc.getValue());
    }

    @Test
    void shouldRejectGzipWithWrongHeaderCrc() throws IOException {
        final byte[] stream = gzipWithAllHeaderFields(mixedBytes(100, 3));
        stream[10 + 2 + 3 + 5 + 8] ^= 0x01;

        assertFails(Compression.GZIP, stream, ErrorCode.CORRUPT_MESSAGE, "gzip header CRC16 mismatch");
    }

    @Test
    void shouldRejectTruncatedDeflateStream() throws IOException {
        final byte[] stream = Arrays.copyOf(gzip(mixedBytes(100_000, 3)), 1000);

        assertEquals(ErrorCode.CORRUPT_MESSAGE, decoder.decode(Compression.GZIP, ByteBuffer.wrap(stream), 0,
            stream.length));
        assertTrue(decoder.errorMessage().startsWith("deflate stream truncated after "), decoder.errorMessage());
    }

    @Test
    void shouldRejectInvalidDeflateData() throws IOException {
        final byte[] stream = gzip(mixedBytes(1000, 3));
        stream[10] = (byte) 0xFF;

        assertEquals(ErrorCode.CORRUPT_MESSAGE, decoder.decode(Compression.GZIP, ByteBuffer.wrap(stream), 0,
            stream.length));
        assertTrue(decoder.errorMessage().startsWith("invalid deflate data: "), decoder.errorMessage());
    }

    @Test
    void shouldRejectOutputAboveLimit() throws IOException {
        final byte[] zeros = new byte[10_000];
        try (CompressedPayloadDecoder small = new CompressedPayloadDecoder(9_999)) {
            for (Compression compression : new Compression[] {Compression.GZIP, Compression.LZ4}) {
                final byte[] payload = compression == Compression.GZIP ? gzip(zeros) : kafkaLz4(zeros);

                assertEquals(ErrorCode.MESSAGE_TOO_LARGE, small.decode(compression, ByteBuffer.wrap(payload), 0,
                    payload.length), compression.codecName());
                assertEquals("decompressed records exceed the reader's limit of 9999 bytes", small.errorMessage());
            }
        }
    }

    @Test
    void shouldDecodeOutputExactlyAtLimit() throws IOException {
        final byte[] zeros = new byte[10_000];
        try (CompressedPayloadDecoder exact = new CompressedPayloadDecoder(10_000)) {
            for (Compression compression : new Compression[] {Compression.GZIP, Compression.LZ4}) {
                final byte[] payload = compression == Compression.GZIP ? gzip(zeros) : kafkaLz4(zeros);

                assertEquals(ErrorCode.NONE, exact.decode(compression, ByteBuffer.wrap(payload), 0, payload.length),
                    exact.errorMessage());
                assertEquals(10_000, exact.outputLength());
            }
        }
    }

    @Test
    void shouldReportUnsupportedCodec() {
        assertFails(Compression.SNAPPY, new byte[10], ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
            "compression snappy is not supported by the Keel reader (supported: none, gzip, lz4)");
    }

    @Test
    void shouldRefuseUseAfterClose() {
        decoder.close();
        decoder.close();

        assertThrows(IllegalStateException.class, () -> decoder.decode(Compression.GZIP, ByteBuffer.allocate(1), 0,
            1));
    }

    private void assertDecodes(final Compression compression, final byte[] payload, final byte[] expected) {
        final byte[] padded = concat(new byte[3], payload, new byte[4]);

        assertEquals(ErrorCode.NONE, decoder.decode(compression, ByteBuffer.wrap(padded).asReadOnlyBuffer(), 3,
            payload.length), decoder.errorMessage());
        assertArrayEquals(expected, output());
        assertEquals(ErrorCode.NONE, decoder.decode(compression, ByteBuffer.wrap(padded), 3, payload.length));
        assertArrayEquals(expected, output());
        assertNull(decoder.errorMessage());
    }

    private void assertFails(final Compression compression, final byte[] payload, final int code,
                             final String message) {
        assertEquals(code, decoder.decode(compression, ByteBuffer.wrap(payload), 0, payload.length));
        assertEquals(message, decoder.errorMessage());
    }

    private byte[] output() {
        final byte[] bytes = new byte[decoder.outputLength()];
        decoder.output().get(0, bytes);
        return bytes;
    }

    private static byte[] kafkaLz4(final byte[] input) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = new Lz4BlockOutputStream(out, Lz4BlockOutputStream.BLOCKSIZE_64KB,
            CompressionType.LZ4.defaultLevel(), false, false)) {
            lz4.write(input);
        }
        return out.toByteArray();
    }

    private static byte[] lz4Frame(final byte[] input, final BLOCKSIZE blockSize, final Bits... bits)
        throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final boolean contentSize = Arrays.asList(bits).contains(Bits.CONTENT_SIZE);
        try (OutputStream lz4 = contentSize ? new LZ4FrameOutputStream(out, blockSize, input.length, bits)
            : new LZ4FrameOutputStream(out, blockSize, bits)) {
            lz4.write(input);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(final byte[] input) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(input);
        }
        return out.toByteArray();
    }

    /** A member with FEXTRA (3 bytes), FNAME "name", FCOMMENT "comment" and FHCRC. */
    private static byte[] gzipWithAllHeaderFields(final byte[] input) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3});
        out.writeBytes(new byte[] {3, 0, 'x', 'y', 'z'});
        out.writeBytes(new byte[] {'n', 'a', 'm', 'e', 0});
        out.writeBytes(new byte[] {'c', 'o', 'm', 'm', 'e', 'n', 't', 0});
        final CRC32 headerCrc = new CRC32();
        headerCrc.update(out.toByteArray());
        out.write((int) headerCrc.getValue() & 0xFF);
        out.write((int) (headerCrc.getValue() >>> 8) & 0xFF);
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(input);
        deflater.finish();
        final byte[] buffer = new byte[input.length + 1024];
        final int deflated = deflater.deflate(buffer);
        deflater.end();
        out.write(buffer, 0, deflated);
        final CRC32 crc = new CRC32();
        crc.update(input);
        final byte[] trailer = new byte[8];
        putIntLittleEndian(trailer, 0, (int) crc.getValue());
        putIntLittleEndian(trailer, 4, input.length);
        out.writeBytes(trailer);
        return out.toByteArray();
    }

    private static void putIntLittleEndian(final byte[] bytes, final int index, final int value) {
        bytes[index] = (byte) value;
        bytes[index + 1] = (byte) (value >>> 8);
        bytes[index + 2] = (byte) (value >>> 16);
        bytes[index + 3] = (byte) (value >>> 24);
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
