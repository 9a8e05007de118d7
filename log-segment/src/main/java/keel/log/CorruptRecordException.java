package keel.log;

/**
 * Thrown when the records inside a batch cannot be read: malformed record data (a varint longer than its
 * maximum, a length past the end of the record or batch, a record count that does not match the data), a
 * compressed payload that does not decode, or one that decodes to more bytes than the reader accepts. The data
 * the caller must react to is carried as typed fields; the {@code tryX} methods of {@link RecordReader} return
 * the same {@link #errorCode()} without throwing. Immutable; thread-safe.
 */
public final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final long baseOffset;
    private final int recordIndex;

    /**
     * Creates the exception.
     *
     * @param errorCode   the {@link ErrorCode} a broker answers with.
     * @param baseOffset  base offset of the batch.
     * @param recordIndex index of the record within the batch that broke, or -1 if the batch as a whole did.
     * @param message     what broke, naming the offset.
     */
    public CorruptRecordException(final int errorCode, final long baseOffset, final int recordIndex,
                                  final String message) {
        super(message);
        this.errorCode = errorCode;
        this.baseOffset = baseOffset;
        this.recordIndex = recordIndex;
    }

    /**
     * Result code for the outcome: {@link ErrorCode#CORRUPT_MESSAGE} (the bytes are not a valid batch or compressed
     * stream), {@link ErrorCode#INVALID_RECORD} (a record is malformed) or {@link ErrorCode#MESSAGE_TOO_LARGE}
     * (the decompressed records exceed the reader's limit).
     *
     * @return one of the {@link ErrorCode} constants.
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * Base offset of the batch that failed.
     *
     * @return the batch's base offset.
     */
    public long baseOffset() {
        return baseOffset;
    }

    /**
     * Index within the batch of the record that failed.
     *
     * @return 0-based index, or -1 if the failure is not tied to one record.
     */
    public int recordIndex() {
        return recordIndex;
    }
}
