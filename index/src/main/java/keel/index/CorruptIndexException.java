package keel.index;

import java.nio.file.Path;

/**
 * An index file whose content breaks the format's rules, found by {@code sanityCheck()}. The log reacts by
 * deleting the index and rebuilding it from the segment's {@code .log} file.
 *
 * <p>Immutable: thread-safe.
 */
public final class CorruptIndexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    CorruptIndexException(final Path file, final String reason) {
        super(reason);
        this.file = file;
        this.reason = reason;
    }

    /**
     * @return the corrupt index file
     */
    public Path file() {
        return file;
    }

    /**
     * @return what broke, naming the file and the values (the same as the message)
     */
    public String reason() {
        return reason;
    }
}
