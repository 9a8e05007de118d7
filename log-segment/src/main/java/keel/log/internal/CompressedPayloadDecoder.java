package keel.log.internal;

import static keel.log.internal.CompressedPayloadFormat.GZIP_CM_DEFLATE;
import static keel.log.internal.CompressedPayloadFormat.GZIP_CM_OFFSET;
import static keel.log.internal.CompressedPayloadFormat.GZIP_FCOMMENT;
import static keel.log.internal.CompressedPayloadFormat.GZIP_FEXTRA;
import static keel.log.internal.CompressedPayloadFormat.GZIP_FHCRC;
import static keel.log.internal.CompressedPayloadFormat.GZIP_FLG_OFFSET;
import static keel.log.internal.CompressedPayloadFormat.GZIP_FNAME;
import static keel.log.internal.CompressedPayloadFormat.GZIP_HEADER_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.GZIP_ID1;
import static keel.log.internal.CompressedPayloadFormat.GZIP_ID2;
import static keel.log.internal.CompressedPayloadFormat.GZIP_SHORT_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.GZIP_TRAILER_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BD_BLOCK_SIZE_MASK;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BD_BLOCK_SIZE_SHIFT;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BD_RESERVED_MASK;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BLOCK_SIZE_ID_4MB;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BLOCK_SIZE_ID_64KB;
import static keel.log.internal.CompressedPayloadFormat.LZ4_BLOCK_UNCOMPRESSED;
import static keel.log.internal.CompressedPayloadFormat.LZ4_CONTENT_SIZE_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_BD_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_BLOCK_CHECKSUM;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_BLOCK_INDEPENDENCE;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_CONTENT_CHECKSUM;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_CONTENT_SIZE;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_RESERVED_MASK;
import static keel.log.internal.CompressedPayloadFormat.LZ4_FLG_VERSION_SHIFT;
import static keel.log.internal.CompressedPayloadFormat.LZ4_HC_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_HC_SHIFT;
import static keel.log.internal.CompressedPayloadFormat.LZ4_INT_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_MAGIC;
import static keel.log.internal.CompressedPayloadFormat.LZ4_MIN_HEADER_LENGTH;
import static keel.log.internal.CompressedPayloadFormat.LZ4_VERSION;
import static keel.log.internal.CompressedPayloadFormat.LZ4_XXHASH_SEED;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import keel.log.Compression;
import keel.log.ErrorCode;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decompresses the records area of a gzip or LZ4 batch into one reusable, growing heap array, so records can be
 * read with absolute indexing afterwards. The whole payload is decoded at once; the output may not exceed the
 * limit given at construction (a 1 MiB gzip batch can inflate to 1 GiB), which is reported as
 * {@link ErrorCode#MESSAGE_TOO_LARGE}. Malformed input is {@link ErrorCode#CORRUPT_MESSAGE} with a reason in
 * {@link #errorMessage()}; nothing is thrown for bad data. Steady state allocates nothing: the output array only
 * grows, the {@link Inflater} is reused, and a direct input buffer gets one cached duplicate per buffer identity.
 * Not API. Confined to one thread; {@link #close()} frees the native inflater.
 */
public final class CompressedPayloadDecoder implements AutoCloseable {
    private static final int INITIAL_OUTPUT_BYTES = 64 * 1024;
    private static final int BYTE_MASK = 0xFF;
    private static final int SHORT_MASK = 0xFFFF;
    private static final byte[] EMPTY = new byte[0];

    private final int maxOutputBytes;
    private final CRC32 crc32 = new CRC32();
    private byte[] output = EMPTY;
    private ByteBuffer outputBuffer = ByteBuffer.wrap(EMPTY);
    private int outputLength;
    private Inflater inflater;
    private ByteBuffer inputSource;
    private ByteBuffer inputView;
    private int errorCode;
    private String errorMessage;
    private boolean closed;

    /**
     * Creates a decoder; allocates nothing until the first decode.
     *
     * @param maxOutputBytes largest decompressed payload accepted, 1 or more.
     */
    public CompressedPayloadDecoder(final int maxOutputBytes) {
        if (maxOutputBytes <= 0) {
            throw new IllegalArgumentException("maxOutputBytes must be positive: " + maxOutputBytes);
        }
        this.maxOutputBytes = maxOutputBytes;
    }

    /**
     * Decompresses a payload.
     *
     * @param compression codec of the payload: {@link Compression#GZIP} or {@link Compression#LZ4}.
     * @param src         buffer holding the payload (read with absolute indexing; never modified).
     * @param offset      index of the first payload byte.
     * @param length      payload bytes.
     * @return {@link ErrorCode#NONE}, {@link ErrorCode#CORRUPT_MESSAGE}, {@link ErrorCode#MESSAGE_TOO_LARGE} or
     *     {@link ErrorCode#UNSUPPORTED_COMPRESSION_TYPE}.
     */
    public int decode(final Compression compression, final ByteBuffer src, final int offset, final int length) {
        if (closed) {
            throw new IllegalStateException("decoder is closed");
        }
        if (offset < 0 || length < 0 || (long) offset + length > src.limit()) {
            throw new IllegalArgumentException("payload [" + offset + ", " + ((long) offset + length)
                + ") is outside the buffer limit " + src.limit());
        }
        outputLength = 0;
        errorCode = ErrorCode.NONE;
        errorMessage = null;
        switch (compression) {
            case GZIP: return decodeGzip(src, offset, offset + length);
            case LZ4: return decodeLz4(src, offset, offset + length);
            default:
                return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, "compression " + compression
                    + " is not supported by the Keel reader (supported: " + Compression.SUPPORTED_NAMES + ")");
        }
    }

    /**
     * The decompressed bytes: a heap buffer whose array this decoder reuses; valid until the next decode.
     *
     * @return buffer over the output array; read bytes 0 to {@link #outputLength()} with absolute indexing.
     */
    public ByteBuffer output() {
        return outputBuffer;
    }

    /**
     * Length of the last successful decode.
     *
     * @return decompressed bytes.
     */
    public int outputLength() {
        return outputLength;
    }

    /**
     * Why the last decode failed.
     *
     * @return the reason, or null if it succeeded.
     */
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (inflater != null) {
                inflater.end();
                inflater = null;
            }
        }
    }

    private int decodeGzip(final ByteBuffer src, final int start, final int end) {
        int position = start;
        boolean first = true;
        while (true) {
            // Java's GZIPInputStream, which Kafka reads with, decodes concatenated members and ignores trailing
            // bytes that do not start another member; do the same so Keel accepts what Kafka accepts.
            if (!first && !isGzipMemberStart(src, position, end)) {
                return ErrorCode.NONE;
            }
            final int dataStart = skipGzipHeader(src, position, end);
            if (dataStart < 0) {
                return errorCode;
            }
            final int memberOutputStart = outputLength;
            final int dataEnd = inflate(src, dataStart, end);
            if (dataEnd < 0) {
                return errorCode;
            }
            if (end - dataEnd < GZIP_TRAILER_LENGTH) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "gzip trailer truncated: " + (end - dataEnd)
                    + " of " + GZIP_TRAILER_LENGTH + " bytes");
            }
            crc32.reset();
            crc32.update(output, memberOutputStart, outputLength - memberOutputStart);
            final long storedCrc = Integer.toUnsignedLong(Integer.reverseBytes(src.getInt(dataEnd)));
            if (storedCrc != crc32.getValue()) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "gzip CRC32 mismatch: stored " + storedCrc + ", computed "
                    + crc32.getValue());
            }
            final long storedSize = Integer.toUnsignedLong(Integer.reverseBytes(src.getInt(dataEnd + 4)));
            final long actualSize = (outputLength - memberOutputStart) & 0xFFFFFFFFL;
            if (storedSize != actualSize) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "gzip size mismatch: stored " + storedSize + ", inflated "
                    + actualSize);
            }
            position = dataEnd + GZIP_TRAILER_LENGTH;
            first = false;
        }
    }

    private static boolean isGzipMemberStart(final ByteBuffer src, final int position, final int end) {
        return end - position >= GZIP_HEADER_LENGTH
            && (src.get(position) & BYTE_MASK) == GZIP_ID1
            && (src.get(position + 1) & BYTE_MASK) == GZIP_ID2
            && (src.get(position + GZIP_CM_OFFSET) & BYTE_MASK) == GZIP_CM_DEFLATE;
    }

    /** Returns the index of the deflate data, or -1 after recording why the header is bad. */
    private int skipGzipHeader(final ByteBuffer src, final int start, final int end) {
        if (end - start < GZIP_HEADER_LENGTH) {
            fail(ErrorCode.CORRUPT_MESSAGE, "gzip header truncated: " + (end - start) + " of "
                + GZIP_HEADER_LENGTH + " bytes");
            return -1;
        }
        if ((src.get(start) & BYTE_MASK) != GZIP_ID1 || (src.get(start + 1) & BYTE_MASK) != GZIP_ID2) {
            fail(ErrorCode.CORRUPT_MESSAGE, "not in gzip format: magic 0x"
                + Integer.toHexString(src.get(start) & BYTE_MASK) + " 0x"
                + Integer.toHexString(src.get(start + 1) & BYTE_MASK));
            return -1;
        }
        final int method = src.get(start + GZIP_CM_OFFSET) & BYTE_MASK;
        if (method != GZIP_CM_DEFLATE) {
            fail(ErrorCode.CORRUPT_MESSAGE, "unsupported gzip compression method " + method);
            return -1;
        }
        final int flags = src.get(start + GZIP_FLG_OFFSET) & BYTE_MASK;
        long position = start + GZIP_HEADER_LENGTH;
        if ((flags & GZIP_FEXTRA) != 0) {
            if (end - position < GZIP_SHORT_LENGTH) {
                fail(ErrorCode.CORRUPT_MESSAGE, "gzip extra field truncated");
                return -1;
            }
            final int extraLength = Short.reverseBytes(src.getShort((int) position)) & SHORT_MASK;
            position += GZIP_SHORT_LENGTH + extraLength;
        }
        if ((flags & GZIP_FNAME) != 0) {
            position = skipZeroTerminated(src, position, end);
        }
        if ((flags & GZIP_FCOMMENT) != 0) {
            position = skipZeroTerminated(src, position, end);
        }
        if ((flags & GZIP_FHCRC) != 0) {
            if (position + GZIP_SHORT_LENGTH > end) {
                fail(ErrorCode.CORRUPT_MESSAGE, "gzip header truncated");
                return -1;
            }
            crc32.reset();
            updateCrc32(src, start, (int) position - start);
            final int stored = Short.reverseBytes(src.getShort((int) position)) & SHORT_MASK;
            if (stored != ((int) crc32.getValue() & SHORT_MASK)) {
                fail(ErrorCode.CORRUPT_MESSAGE, "gzip header CRC16 mismatch");
                return -1;
            }
            position += GZIP_SHORT_LENGTH;
        }
        if (position > end) {
            fail(ErrorCode.CORRUPT_MESSAGE, "gzip header truncated");
            return -1;
        }
        return (int) position;
    }

    private static long skipZeroTerminated(final ByteBuffer src, final long from, final int end) {
        for (long i = from; i < end; i++) {
            if (src.get((int) i) == 0) {
                return i + 1;
            }
        }
        return (long) end + 1;
    }

    /** Returns the index after the deflate data, or -1 after recording why it failed. */
    private int inflate(final ByteBuffer src, final int start, final int end) {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        inflater.reset();
        if (src.hasArray()) {
            inflater.setInput(src.array(), src.arrayOffset() + start, end - start);
        } else {
            final ByteBuffer view = inputView(src);
            view.clear();
            view.position(start).limit(end);
            inflater.setInput(view);
        }
        try {
            while (!inflater.finished()) {
                if (outputLength == output.length && !ensureOutputCapacity(outputLength + 1L)) {
                    return -1;
                }
                final int inflated = inflater.inflate(output, outputLength, output.length - outputLength);
                outputLength += inflated;
                if (inflated == 0 && !inflater.finished()) {
                    if (inflater.needsDictionary()) {
                        fail(ErrorCode.CORRUPT_MESSAGE, "deflate stream needs a preset dictionary");
                        return -1;
                    }
                    if (inflater.needsInput()) {
                        fail(ErrorCode.CORRUPT_MESSAGE, "deflate stream truncated after " + outputLength
                            + " inflated bytes");
                        return -1;
                    }
                }
            }
        } catch (DataFormatException e) {
            fail(ErrorCode.CORRUPT_MESSAGE, "invalid deflate data: " + e.getMessage());
            return -1;
        }
        return end - inflater.getRemaining();
    }

    private int decodeLz4(final ByteBuffer src, final int start, final int end) {
        if (end - start < LZ4_MIN_HEADER_LENGTH) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame header truncated: " + (end - start) + " bytes");
        }
        final int magic = Integer.reverseBytes(src.getInt(start));
        if (magic != LZ4_MAGIC) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "not an LZ4 frame: magic 0x" + Integer.toHexString(magic));
        }
        final int descriptor = start + LZ4_INT_LENGTH;
        final int flg = src.get(descriptor) & BYTE_MASK;
        final int bd = src.get(descriptor + 1) & BYTE_MASK;
        final int version = flg >>> LZ4_FLG_VERSION_SHIFT;
        if (version != LZ4_VERSION) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame version " + version + " is not supported");
        }
        if ((flg & LZ4_FLG_RESERVED_MASK) != 0) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame uses a dictionary id or reserved bits (FLG 0x"
                + Integer.toHexString(flg) + ")");
        }
        if ((flg & LZ4_FLG_BLOCK_INDEPENDENCE) == 0) {
            return fail(ErrorCode.CORRUPT_MESSAGE,
                "LZ4 frame with dependent blocks is not supported (Kafka requires independent blocks)");
        }
        final int blockSizeId = (bd >>> LZ4_BD_BLOCK_SIZE_SHIFT) & LZ4_BD_BLOCK_SIZE_MASK;
        if ((bd & LZ4_BD_RESERVED_MASK) != 0 || blockSizeId < LZ4_BLOCK_SIZE_ID_64KB
            || blockSizeId > LZ4_BLOCK_SIZE_ID_4MB) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame block descriptor 0x" + Integer.toHexString(bd)
                + " is invalid");
        }
        final int maxBlockSize = CompressedPayloadFormat.lz4BlockMaximumSize(blockSizeId);
        final int descriptorLength = LZ4_FLG_BD_LENGTH + ((flg & LZ4_FLG_CONTENT_SIZE) != 0 ? LZ4_CONTENT_SIZE_LENGTH
            : 0);
        if (end - descriptor < descriptorLength + LZ4_HC_LENGTH) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame header truncated: " + (end - start) + " bytes");
        }
        final XXHash32 xxhash = Lz4Holder.XXHASH;
        final int expectedHc = (xxhash.hash(src, descriptor, descriptorLength, LZ4_XXHASH_SEED) >> LZ4_HC_SHIFT)
            & BYTE_MASK;
        final int storedHc = src.get(descriptor + descriptorLength) & BYTE_MASK;
        if (storedHc != expectedHc) {
            return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame descriptor checksum mismatch: stored " + storedHc
                + ", computed " + expectedHc);
        }
        final boolean blockChecksum = (flg & LZ4_FLG_BLOCK_CHECKSUM) != 0;
        int position = descriptor + descriptorLength + LZ4_HC_LENGTH;
        while (true) {
            if (end - position < LZ4_INT_LENGTH) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 frame truncated: no end mark after " + outputLength
                    + " decompressed bytes");
            }
            final int rawSize = Integer.reverseBytes(src.getInt(position));
            position += LZ4_INT_LENGTH;
            if (rawSize == 0) {
                break;
            }
            final boolean stored = (rawSize & LZ4_BLOCK_UNCOMPRESSED) != 0;
            final int blockSize = rawSize & ~LZ4_BLOCK_UNCOMPRESSED;
            if (blockSize > maxBlockSize) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 block of " + blockSize
                    + " bytes exceeds the frame's maximum block size " + maxBlockSize);
            }
            final long checksumLength = blockChecksum ? LZ4_INT_LENGTH : 0;
            if (blockSize + checksumLength > end - position) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 block of " + blockSize + " bytes truncated: "
                    + (end - position) + " bytes left");
            }
            final int code = stored ? copyStoredBlock(src, position, blockSize)
                : decompressBlock(src, position, blockSize, maxBlockSize);
            if (code != ErrorCode.NONE) {
                return code;
            }
            if (blockChecksum) {
                final int storedHash = Integer.reverseBytes(src.getInt(position + blockSize));
                if (storedHash != xxhash.hash(src, position, blockSize, LZ4_XXHASH_SEED)) {
                    return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 block checksum mismatch");
                }
            }
            position += blockSize + (int) checksumLength;
        }
        if ((flg & LZ4_FLG_CONTENT_CHECKSUM) != 0) {
            if (end - position < LZ4_INT_LENGTH) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 content checksum truncated");
            }
            final int storedHash = Integer.reverseBytes(src.getInt(position));
            if (storedHash != xxhash.hash(output, 0, outputLength, LZ4_XXHASH_SEED)) {
                return fail(ErrorCode.CORRUPT_MESSAGE, "LZ4 content checksum mismatch");
            }
        }
        return ErrorCode.NONE;
    }

    private int copyStoredBlock(final ByteBuffer src, final int position, final int blockSize) {
        if (!ensureOutputCapacity((long) outputLength + blockSize)) {
            return ErrorCode.MESSAGE_TOO_LARGE;
        }
        src.get(position, output, outputLength, blockSize);
        outputLength += blockSize;
        return ErrorCode.NONE;
    }

    private int decompressBlock(final ByteBuffer src, final int position, final int blockSize,
                                final int maxBlockSize) {
        final long wanted = Math.min((long) outputLength + maxBlockSize, maxOutputBytes);
        if (wanted <= outputLength || !ensureOutputCapacity(wanted)) {
            return fail(ErrorCode.MESSAGE_TOO_LARGE, tooLargeMessage());
        }
        final int room = (int) wanted - outputLength;
        try {
            outputLength += Lz4Holder.DECOMPRESSOR.decompress(src, position, blockSize, outputBuffer, outputLength,
                room);
        } catch (LZ4Exception e) {
            if (room < maxBlockSize) {
                return fail(ErrorCode.MESSAGE_TOO_LARGE, tooLargeMessage());
            }
            return fail(ErrorCode.CORRUPT_MESSAGE, "invalid LZ4 block after " + outputLength
                + " decompressed bytes: " + e.getMessage());
        }
        return ErrorCode.NONE;
    }

    /** Grows the output to hold {@code required} bytes; false after recording MESSAGE_TOO_LARGE. */
    private boolean ensureOutputCapacity(final long required) {
        if (required <= output.length) {
            return true;
        }
        if (required > maxOutputBytes) {
            fail(ErrorCode.MESSAGE_TOO_LARGE, tooLargeMessage());
            return false;
        }
        long capacity = Math.max(INITIAL_OUTPUT_BYTES, (long) output.length * 2);
        capacity = Math.min(Math.max(capacity, required), maxOutputBytes);
        final byte[] grown = new byte[(int) capacity];
        System.arraycopy(output, 0, grown, 0, outputLength);
        output = grown;
        outputBuffer = ByteBuffer.wrap(grown);
        return true;
    }

    private String tooLargeMessage() {
        return "decompressed records exceed the reader's limit of " + maxOutputBytes + " bytes";
    }

    private void updateCrc32(final ByteBuffer src, final int start, final int length) {
        if (src.hasArray()) {
            crc32.update(src.array(), src.arrayOffset() + start, length);
        } else {
            final ByteBuffer view = inputView(src);
            view.clear();
            view.position(start).limit(start + length);
            crc32.update(view);
        }
    }

    private ByteBuffer inputView(final ByteBuffer src) {
        if (src != inputSource) {
            inputSource = src;
            inputView = src.duplicate();
        }
        return inputView;
    }

    private int fail(final int code, final String message) {
        errorCode = code;
        errorMessage = message;
        return code;
    }

    /** Loads lz4-java (and its native library) only when an LZ4 batch is first read. */
    private static final class Lz4Holder {
        static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
        static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();
    }
}
