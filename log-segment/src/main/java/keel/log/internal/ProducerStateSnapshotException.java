package keel.log.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A producer-state snapshot file is corrupt: truncated, an unknown version, a CRC mismatch or an impossible value.
 * The state it held can be rebuilt by replaying the log, so {@link ProducerStateManager#loadFromSnapshot} reports
 * it, deletes the file and falls back to an older snapshot (or none).
 *
 * <p>Immutable; thread-safe.
 */
public final class ProducerStateSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param message what is wrong, with the values that broke the rule.
     * @param file    the snapshot file; appended to the message.
     */
    public ProducerStateSnapshotException(final String message, final Path file) {
        super(message + " file=" + file);
        this.file = file;
    }

    /**
     * @return the corrupt snapshot file.
     */
    public Path file() {
        return file;
    }
}
