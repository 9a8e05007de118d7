package keel.log.tool;

import keel.log.Time;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code keel-log}: the command-line tool for Keel's partition directories and segment files, started by
 * {@code bin/keel-log.sh} (see {@code docs/keel-log.md}). Commands: {@code append}, {@code dump}, {@code verify},
 * {@code recover}; {@code --help} after a command describes it. Exit codes: {@link #EXIT_OK},
 * {@link #EXIT_PROBLEMS}, {@link #EXIT_USAGE}.
 *
 * <p>{@link #run} holds all the logic and returns the exit code, so tests run the tool in-process with their own
 * streams; only {@link #main} exits the JVM. Errors are one line on stderr; {@code --verbose} adds the stack trace.
 * Each call runs one command on the calling thread.
 */
public final class LogTool {
    /** Exit code: everything is fine. */
    public static final int EXIT_OK = 0;
    /** Exit code: invalid data found (dump, verify) or left after recovery (recover). */
    public static final int EXIT_PROBLEMS = 1;
    /** Exit code: usage error, or an input that cannot be read or an output that cannot be written. */
    public static final int EXIT_USAGE = 2;

    private static final String VERBOSE = "--verbose";

    private LogTool() {
    }

    /**
     * Runs the tool and exits with its exit code.
     *
     * @param args the command line.
     */
    public static void main(final String[] args) {
        final PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
            1 << 16), false, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
            StandardCharsets.UTF_8);
        final int code = run(args, System.in, out, err);
        out.flush();
        System.exit(code);
    }

    /**
     * Runs one command.
     *
     * @param args the command line: a command, its options and arguments; {@code --verbose} anywhere.
     * @param in   standard input (read by {@code append}).
     * @param out  standard output.
     * @param err  standard error.
     * @return the exit code.
     */
    public static int run(final String[] args, final InputStream in, final PrintStream out, final PrintStream err) {
        final List<String> rest = new ArrayList<>(Arrays.asList(args));
        final boolean verbose = rest.remove(VERBOSE);
        while (rest.remove(VERBOSE)) {
            // --verbose may be repeated; once is enough
        }
        final Map<String, Command> commands = commands();
        if (rest.isEmpty()) {
            err.println("keel-log: missing command");
            err.print(overview(commands));
            return EXIT_USAGE;
        }
        final String name = rest.remove(0);
        if (isHelp(name) || name.equals("help")) {
            out.print(overview(commands));
            return EXIT_OK;
        }
        final Command command = commands.get(name);
        if (command == null) {
            err.println("keel-log: unknown command '" + name + "' (commands: " + String.join(", ", commands.keySet())
                + "; see keel-log.sh --help)");
            return EXIT_USAGE;
        }
        for (final String arg : rest) {
            if (arg.equals("--")) {
                break;
            }
            if (isHelp(arg)) {
                out.println(command.help());
                return EXIT_OK;
            }
        }
        final String prefix = "keel-log: " + name + ": ";
        try {
            return command.run(Arguments.parse(command, rest), new ToolStreams(in, out, err));
        } catch (final UsageException ex) {
            err.println(prefix + ex.getMessage());
            err.println("Usage: keel-log.sh " + name + " " + command.synopsis() + " (--help for details)");
            printTrace(ex, verbose, err);
            return EXIT_USAGE;
        } catch (final IOException ex) {
            err.println(prefix + describe(ex));
            printTrace(ex, verbose, err);
            return EXIT_USAGE;
        } catch (final UncheckedIOException ex) {
            err.println(prefix + describe(ex.getCause()));
            printTrace(ex, verbose, err);
            return EXIT_USAGE;
        } catch (final RuntimeException ex) {
            err.println(prefix + "failed: " + ex + (verbose ? "" : " (--verbose shows the stack trace)"));
            printTrace(ex, verbose, err);
            return EXIT_USAGE;
        }
    }

    private static Map<String, Command> commands() {
        final Map<String, Command> commands = new LinkedHashMap<>();
        for (final Command command : new Command[] {
            new AppendCommand(Time.SYSTEM), new DumpCommand(), new VerifyCommand(), new RecoverCommand()}) {
            commands.put(command.name(), command);
        }
        return commands;
    }

    private static String overview(final Map<String, Command> commands) {
        final String nl = System.lineSeparator();
        final StringBuilder sb = new StringBuilder()
            .append("Usage: keel-log.sh COMMAND [OPTIONS] ARGS   (keel-log.sh COMMAND --help for details)").append(nl)
            .append(nl).append("Commands:").append(nl);
        for (final Command command : commands.values()) {
            sb.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        return sb.append(nl)
            .append("Options of every command: --verbose (stack traces of errors), --help").append(nl)
            .append("Exit codes: 0 fine; 1 problems found in the data; 2 usage error or unreadable input").append(nl)
            .toString();
    }

    private static boolean isHelp(final String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    /**
     * A one-line description of an I/O failure, naming the file: the JDK's own messages for missing or unreadable
     * files are the bare path.
     */
    static String describe(final IOException ex) {
        if (ex instanceof NoSuchFileException) {
            return "no such file or directory: " + ((NoSuchFileException) ex).getFile();
        }
        if (ex instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) ex).getFile();
        }
        if (ex instanceof NotDirectoryException) {
            return "not a directory: " + ((NotDirectoryException) ex).getFile();
        }
        if (ex instanceof FileSystemException && ((FileSystemException) ex).getReason() != null) {
            final FileSystemException fse = (FileSystemException) ex;
            return fse.getFile() + ": " + fse.getReason();
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    private static void printTrace(final Throwable ex, final boolean verbose, final PrintStream err) {
        if (verbose) {
            ex.printStackTrace(err);
        }
    }
}
