package keel.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An I/O failure in a log directory, carrying the directory so that the caller can take it offline.
 */
public final class KeelStorageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path dir;

    /**
     * @param message what failed, with the file and the values involved.
     * @param dir     the log directory the failure belongs to.
     * @param cause   the underlying I/O error.
     */
    public KeelStorageException(final String message, final Path dir, final Throwable cause) {
        super(message, cause);
        this.dir = dir;
    }

    /**
     * @return the log directory the failure belongs to.
     */
    public Path dir() {
        return dir;
    }
}
