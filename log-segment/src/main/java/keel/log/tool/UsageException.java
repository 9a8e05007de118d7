package keel.log.tool;

/**
 * A command line the tool cannot run: an unknown command or option, a missing or malformed argument, a path of the
 * wrong kind. The tool prints the message and the command's synopsis and exits with {@link LogTool#EXIT_USAGE}.
 * Immutable.
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(final String message) {
        super(message);
    }

    UsageException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
