package keel.log.internal;

/**
 * Layouts of the compressed record streams Keel reads and writes: gzip (RFC 1952) and the LZ4 frame format as
 * Kafka frames it ({@code Lz4BlockOutputStream}: frame format v1.5.1, independent blocks of at most 64 KiB,
 * no content size, no block or content checksum, a correct header checksum). Not API. Stateless; thread-safe.
 *
 * <h2>gzip member</h2>
 * <pre>
 *  0x1f 0x8b | CM=8 | FLG | MTIME (4) | XFL | OS | [XLEN (2, LE) + extra] [name\0] [comment\0] [CRC16 (2)]
 *  deflate data | CRC32 of the uncompressed data (4, LE) | ISIZE = length mod 2^32 (4, LE)
 * </pre>
 *
 * <h2>LZ4 frame (all integers little-endian)</h2>
 * <pre>
 *  magic 0x184D2204 (4) | FLG (1) | BD (1) | [content size (8)] | HC (1)
 *  blocks: size (4, high bit = stored uncompressed) | data | [XXH32 of data (4) if FLG bit 4]
 *  end mark 0x00000000 (4) | [XXH32 of all content (4) if FLG bit 2]
 *  FLG: bits 6-7 version = 01, bit 5 block independence, bit 4 block checksum, bit 3 content size,
 *       bit 2 content checksum, bit 1 reserved, bit 0 dictionary id
 *  BD:  bits 4-6 block maximum size id (4 = 64 KiB ... 7 = 4 MiB), other bits reserved
 *  HC:  (XXH32(FLG .. end of descriptor, seed 0) >> 8) &amp; 0xFF
 * </pre>
 */
public final class CompressedPayloadFormat {
    /** First gzip magic byte. */
    public static final int GZIP_ID1 = 0x1f;
    /** Second gzip magic byte. */
    public static final int GZIP_ID2 = 0x8b;
    /** gzip compression method: deflate. */
    public static final int GZIP_CM_DEFLATE = 8;
    /** Offset of the compression method. */
    public static final int GZIP_CM_OFFSET = 2;
    /** Offset of the flags byte. */
    public static final int GZIP_FLG_OFFSET = 3;
    /** Offset of the OS byte. */
    public static final int GZIP_OS_OFFSET = 9;
    /** Fixed gzip header length. */
    public static final int GZIP_HEADER_LENGTH = 10;
    /** gzip trailer length: CRC32 and ISIZE. */
    public static final int GZIP_TRAILER_LENGTH = 8;
    /** gzip flag: header CRC16 present. */
    public static final int GZIP_FHCRC = 0x02;
    /** gzip flag: extra field present. */
    public static final int GZIP_FEXTRA = 0x04;
    /** gzip flag: zero-terminated file name present. */
    public static final int GZIP_FNAME = 0x08;
    /** gzip flag: zero-terminated comment present. */
    public static final int GZIP_FCOMMENT = 0x10;
    /** Length of the extra-field length and of the header CRC16. */
    public static final int GZIP_SHORT_LENGTH = 2;
    /** OS byte Java's {@code GZIPOutputStream} (and so Kafka) writes since JDK 16 (JDK-8244706): unknown. */
    public static final int GZIP_OS_UNKNOWN = 255;

    /** LZ4 frame magic number. */
    public static final int LZ4_MAGIC = 0x184D2204;
    /** Length of the magic number, of a block size and of a checksum. */
    public static final int LZ4_INT_LENGTH = 4;
    /** Length of FLG + BD. */
    public static final int LZ4_FLG_BD_LENGTH = 2;
    /** Length of the optional content size. */
    public static final int LZ4_CONTENT_SIZE_LENGTH = 8;
    /** Length of the header checksum byte. */
    public static final int LZ4_HC_LENGTH = 1;
    /** Smallest frame header: magic, FLG, BD, HC. */
    public static final int LZ4_MIN_HEADER_LENGTH = LZ4_INT_LENGTH + LZ4_FLG_BD_LENGTH + LZ4_HC_LENGTH;
    /** Frame format version in FLG bits 6-7. */
    public static final int LZ4_VERSION = 1;
    /** Shift of the version in FLG. */
    public static final int LZ4_FLG_VERSION_SHIFT = 6;
    /** FLG bit: blocks are independent. */
    public static final int LZ4_FLG_BLOCK_INDEPENDENCE = 0x20;
    /** FLG bit: each block is followed by its XXH32. */
    public static final int LZ4_FLG_BLOCK_CHECKSUM = 0x10;
    /** FLG bit: the descriptor carries the content size. */
    public static final int LZ4_FLG_CONTENT_SIZE = 0x08;
    /** FLG bit: the end mark is followed by the XXH32 of the content. */
    public static final int LZ4_FLG_CONTENT_CHECKSUM = 0x04;
    /** FLG bits Kafka requires to be 0: reserved bit 1 and the dictionary id bit 0. */
    public static final int LZ4_FLG_RESERVED_MASK = 0x03;
    /** Shift of the block maximum size id in BD. */
    public static final int LZ4_BD_BLOCK_SIZE_SHIFT = 4;
    /** Mask of the block maximum size id after the shift. */
    public static final int LZ4_BD_BLOCK_SIZE_MASK = 0x07;
    /** BD bits that must be 0. */
    public static final int LZ4_BD_RESERVED_MASK = 0x8F;
    /** Smallest block maximum size id (64 KiB). */
    public static final int LZ4_BLOCK_SIZE_ID_64KB = 4;
    /** Largest block maximum size id (4 MiB). */
    public static final int LZ4_BLOCK_SIZE_ID_4MB = 7;
    /** Block size bit: the block is stored uncompressed. */
    public static final int LZ4_BLOCK_UNCOMPRESSED = 0x80000000;
    /** Block size Kafka writes: 64 KiB. */
    public static final int LZ4_KAFKA_BLOCK_SIZE = 1 << 16;
    /** FLG Kafka writes: version 1, independent blocks, nothing else. */
    public static final int LZ4_KAFKA_FLG = (LZ4_VERSION << LZ4_FLG_VERSION_SHIFT) | LZ4_FLG_BLOCK_INDEPENDENCE;
    /** BD Kafka writes: 64 KiB blocks. */
    public static final int LZ4_KAFKA_BD = LZ4_BLOCK_SIZE_ID_64KB << LZ4_BD_BLOCK_SIZE_SHIFT;
    /** Shift applied to the XXH32 of the descriptor to get HC. */
    public static final int LZ4_HC_SHIFT = 8;
    /** Seed of every XXH32 in the frame format. */
    public static final int LZ4_XXHASH_SEED = 0;

    private CompressedPayloadFormat() {
    }

    /**
     * Block maximum size for a BD block size id: 2^(2 id + 8).
     *
     * @param blockSizeId 4 to 7.
     * @return 64 KiB to 4 MiB.
     */
    public static int lz4BlockMaximumSize(final int blockSizeId) {
        return 1 << (2 * blockSizeId + 8);
    }
}
