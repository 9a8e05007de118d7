package keel.log.tool;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The standard streams a command runs with, so that tests run commands in-process with captured output.
 * Output meant for scripts and people goes to {@link #out()}; errors and one-line summaries of failures go to
 * {@link #err()}. Confined to the thread running the command.
 */
final class ToolStreams {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    ToolStreams(final InputStream in, final PrintStream out, final PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    InputStream in() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }
}
