package keel.log;

/**
 * Compression codec of a record batch: the value of attribute bits 0-2
 * ({@link RecordBatchFormat#COMPRESSION_CODEC_MASK}), with the ids and names of Kafka's {@code compression.type}.
 * Keel stores and serves batches of every codec unchanged; only reading the records inside (and building
 * batches) needs a codec, and Keel has one for {@link #NONE}, {@link #GZIP} and {@link #LZ4}. Immutable; thread-safe.
 */
public enum Compression {
    /** No compression, id 0. */
    NONE(0, "none", true),
    /** gzip (RFC 1952), id 1. */
    GZIP(1, "gzip", true),
    /** Snappy (xerial framing), id 2. Keel cannot decode it. */
    SNAPPY(2, "snappy", false),
    /** LZ4 frame format with Kafka's framing, id 3. */
    LZ4(3, "lz4", true),
    /** Zstandard, id 4. Keel cannot decode it. */
    ZSTD(4, "zstd", false);

    /** The codecs Keel can decode and encode, for messages. */
    public static final String SUPPORTED_NAMES = "none, gzip, lz4";

    private final int id;
    private final String codecName;
    private final boolean supported;

    Compression(final int id, final String codecName, final boolean supported) {
        this.id = id;
        this.codecName = codecName;
        this.supported = supported;
    }

    /**
     * Id stored in the attributes.
     *
     * @return 0 to 4.
     */
    public int id() {
        return id;
    }

    /**
     * Kafka's name of the codec, as in the {@code compression.type} configuration.
     *
     * @return e.g. {@code "lz4"}.
     */
    public String codecName() {
        return codecName;
    }

    /**
     * Whether Keel can decode records of this codec and build batches with it.
     *
     * @return true for none, gzip and lz4.
     */
    public boolean isSupported() {
        return supported;
    }

    /**
     * The codec with an id, without allocating.
     *
     * @param id attribute bits 0-2.
     * @return the codec.
     * @throws IllegalArgumentException if the id is not one of Kafka's codecs.
     */
    public static Compression forId(final int id) {
        switch (id) {
            case 0: return NONE;
            case 1: return GZIP;
            case 2: return SNAPPY;
            case 3: return LZ4;
            case 4: return ZSTD;
            default:
                throw new IllegalArgumentException("Unknown compression id " + id
                    + " (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)");
        }
    }

    @Override
    public String toString() {
        return codecName;
    }
}
