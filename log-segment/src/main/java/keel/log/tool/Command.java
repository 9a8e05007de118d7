package keel.log.tool;

import java.io.IOException;
import java.util.Set;

/**
 * One sub-command of the tool. Implementations are stateless; {@link #run} does the work with the parsed arguments.
 */
interface Command {
    /**
     * @return the name on the command line, e.g. {@code dump}.
     */
    String name();

    /**
     * @return the arguments after the name, e.g. {@code [--print-data] PATH}.
     */
    String synopsis();

    /**
     * @return one line for the tool's overview.
     */
    String summary();

    /**
     * @return the full help text of the command: what it does, its options, its exit codes.
     */
    String help();

    /**
     * @return the options that take a value, e.g. {@code --batch-size}.
     */
    Set<String> valueOptions();

    /**
     * @return the options that take no value, e.g. {@code --print-data}.
     */
    Set<String> flagOptions();

    /**
     * Runs the command.
     *
     * @param args    the parsed arguments.
     * @param streams where to read and write.
     * @return the exit code: {@link LogTool#EXIT_OK} or {@link LogTool#EXIT_PROBLEMS}.
     * @throws UsageException if the arguments are invalid.
     * @throws IOException    if an input cannot be read or an output written.
     */
    int run(Arguments args, ToolStreams streams) throws UsageException, IOException;
}
