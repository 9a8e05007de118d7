package keel.log.internal;

import static keel.log.internal.CompressedPayloadFormat.GZIP_CM_DEFLATE;
import static keel.log.internal.CompressedPayloadFormat.GZIP_CM_OFFSET;
import static keel.log.internal.CompressedPayloadFormat.GZIP_HEADER_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.GZIP_ID1;
import static keel.log.internal.CompressedPayloadFormat.GZIP_ID2;
import static keel.log.internal.CompressedPayloadFormat.GZIP_OS_UNKNOWN;
import static keel.log.internal.CompressedPayloadFormat.GZIP_OS_OFFSET;
import static keel.log.internal.CompressedPayloadFormat.GZIP_TRAILER_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BLOCK_UNCOMPRESSED;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_BD_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_HC_SHIFT;
import static keel.log.internal.CompressedPayloadFormat.LZ4_INT_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_KAFKA_BD;
import static keel.log.internal.CompressedPayloadFormat.LZ4_KAFKA_BLOCK_SIZE;
import static keel.log.internal.CompressedPayloadFormat.LZ4_KAFKA_FLG;
import static keel.log.internal.CompressedPayloadFormat.LZ4_MAGIC;
import static keel.log.internal.CompressedPayloadFormat.LZ4_MIN_HEADER_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_XXHASH_SEED;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

import keel.log.Compression;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Compresses a records area the way Kafka's producer does, into a reusable, growing heap array:
 * gzip as Java's {@code GZIPOutputStream} writes it (Kafka's gzip codec; default deflate level), and LZ4 with
 * Kafka's framing ({@code Lz4BlockOutputStream}: 64 KiB independent blocks compressed with lz4-java's fast
 * compressor, a block stored raw when compressing does not shrink it, no checksums but the header checksum).
 * Not API. Confined to one thread; {@link #close()} frees the native deflater.
 */
public final class CompressedPayloadEncoder implements AutoCloseable {
    private static final int INITIAL_OUTPUT_BYTES = 1024;
    private static final int BYTE_MASK = 0xFF;
    private static final int DEFLATE_FIXED_OVERHEAD = 5;

    private final CRC32 crc32 = new CRC32();
    private byte[] output = new byte[INITIAL_OUTPUT_BYTES];
    private Deflater deflater;
    private boolean closed;

    /**
     * An upper bound of the encoded size of {@code length} bytes, whatever they contain.
     *
     * @param compression {@link Compression#GZIP} or {@link Compression#LZ4} ({@link Compression#NONE}: the length).
     * @param length      uncompressed bytes.
     * @return the bound.
     */
    public static long maxEncodedLength(final Compression compression, final long length) {
        switch (compression) {
            case NONE:
                return length;
            case GZIP:
                // zlib's general deflateBound: stored blocks cost 5 bytes per block plus a little slack.
                return GZIP_HEADER_LENGTH + GZIP_TRAILER_LENGTH + length + ((length + 7) >> 3)
                    + ((length + 63) >> 6) + DEFLATE_FIXED_OVERHEAD;
            case LZ4:
                final long blocks = (length + LZ4_KAFKA_BLOCK_SIZE - 1) / LZ4_KAFKA_BLOCK_SIZE;
                return LZ4_MIN_HEADER_LENGTH + blocks * LZ4_INT_LENGTH + length + LZ4_INT_LENGTH;
            default:
                throw new IllegalArgumentException("compression " + compression + " is not supported by Keel "
                    + "(supported: " + Compression.SUPPORTED_NAMES + ")");
        }
    }

    /**
     * Compresses bytes; the result is in {@link #output()}.
     *
     * @param compression {@link Compression#GZIP} or {@link Compression#LZ4}.
     * @param src         uncompressed bytes.
     * @param offset      first byte.
     * @param length      byte count.
     * @return the encoded length.
     */
    public int encode(final Compression compression, final byte[] src, final int offset, final int length) {
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        final long bound = maxEncodedLength(compression, length);
        if (bound > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("cannot compress " + length + " bytes into one batch");
        }
        switch (compression) {
            case GZIP: return encodeGzip(src, offset, length, (int) bound);
            case LZ4: return encodeLz4(src, offset, length, (int) bound);
            default:
                throw new IllegalArgumentException("compression " + compression + " has no encoder");
        }
    }

    /**
     * The encoded bytes of the last {@link #encode} call, from index 0; valid until the next call.
     *
     * @return the reused output array.
     */
    public byte[] output() {
        return output;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (deflater != null) {
                deflater.end();
                deflater = null;
            }
        }
    }

    private int encodeGzip(final byte[] src, final int offset, final int length, final int bound) {
        ensureCapacity(bound);
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.reset();
        final byte[] out = output;
        out[0] = (byte) GZIP_ID1;
        out[1] = (byte) GZIP_ID2;
        out[GZIP_CM_OFFSET] = (byte) GZIP_CM_DEFLATE;
        for (int i = GZIP_CM_OFFSET + 1; i < GZIP_HEADER_LENGTH; i++) {
            out[i] = 0;
        }
        out[GZIP_OS_OFFSET] = (byte) GZIP_OS_UNKNOWN;
        int position = GZIP_HEADER_LENGTH;
        deflater.setInput(src, offset, length);
        deflater.finish();
        while (!deflater.finished()) {
            if (position == output.length) {
                ensureCapacity((long) output.length * 2);
            }
            position += deflater.deflate(output, position, output.length - position);
        }
        ensureCapacity((long) position + GZIP_TRAILER_LENGTH);
        crc32.reset();
        crc32.update(src, offset, length);
        putIntLittleEndian(output, position, (int) crc32.getValue());
        putIntLittleEndian(output, position + LZ4_INT_LENGTH, length);
        return position + GZIP_TRAILER_LENGTH;
    }

    private int encodeLz4(final byte[] src, final int offset, final int length, final int bound) {
        // Earlier blocks take at most their raw size, so the bound plus one block's worst-case growth lets
        // every block be compressed straight into the output.
        final LZ4Compressor compressor = Lz4Holder.COMPRESSOR;
        ensureCapacity((long) bound + compressor.maxCompressedLength(LZ4_KAFKA_BLOCK_SIZE) - LZ4_KAFKA_BLOCK_SIZE);
        final byte[] out = output;
        putIntLittleEndian(out, 0, LZ4_MAGIC);
        final int descriptor = LZ4_INT_LENGTH;
        out[descriptor] = (byte) LZ4_KAFKA_FLG;
        out[descriptor + 1] = (byte) LZ4_KAFKA_BD;
        final int hash = Lz4Holder.XXHASH.hash(out, descriptor, LZ4_FLG_BD_LENGTH, LZ4_XXHASH_SEED);
        out[descriptor + LZ4_FLG_BD_LENGTH] = (byte) ((hash >> LZ4_HC_SHIFT) & BYTE_MASK);
        int position = LZ4_MIN_HEADER_LENGTH;
        for (int blockStart = offset; blockStart < offset + length; blockStart += LZ4_KAFKA_BLOCK_SIZE) {
            final int blockLength = Math.min(LZ4_KAFKA_BLOCK_SIZE, offset + length - blockStart);
            final int dataStart = position + LZ4_INT_LENGTH;
            int compressedLength = compressor.compress(src, blockStart, blockLength, out, dataStart,
                compressor.maxCompressedLength(blockLength));
            int sizeField = compressedLength;
            if (compressedLength >= blockLength) {
                System.arraycopy(src, blockStart, out, dataStart, blockLength);
                compressedLength = blockLength;
                sizeField = blockLength | LZ4_BLOCK_UNCOMPRESSED;
            }
            putIntLittleEndian(out, position, sizeField);
            position = dataStart + compressedLength;
        }
        putIntLittleEndian(out, position, 0);
        return position + LZ4_INT_LENGTH;
    }

    private void ensureCapacity(final long required) {
        if (required > output.length) {
            if (required > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("compressed payload of " + required + " bytes is too large");
            }
            final byte[] grown = new byte[(int) Math.max(required, Math.min((long) output.length * 2,
                Integer.MAX_VALUE - 64))];
            System.arraycopy(output, 0, grown, 0, output.length);
            output = grown;
        }
    }

    private static void putIntLittleEndian(final byte[] dst, final int index, final int value) {
        dst[index] = (byte) value;
        dst[index + 1] = (byte) (value >>> 8);
        dst[index + 2] = (byte) (value >>> 16);
        dst[index + 3] = (byte) (value >>> 24);
    }

    /** Loads lz4-java (and its native library) only when an LZ4 batch is first built. */
    private static final class Lz4Holder {
        static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
        static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();
    }
}
