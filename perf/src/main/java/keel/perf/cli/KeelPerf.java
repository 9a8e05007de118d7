package keel.perf.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * keel-perf: load, latency and machine-limit measurements, and the side-by-side comparison of Keel with Apache
 * Kafka. Exit codes follow picocli: 0 success, 1 a run failed, 2 bad arguments.
 */
@Command(name = "keel-perf", mixinStandardHelpOptions = true, versionProvider = KeelPerf.Version.class,
    description = "Measures Kafka-protocol servers (Keel or Apache Kafka) and the machine they run on.",
    subcommands = {ProduceCommand.class, ConsumeCommand.class, EndToEndCommand.class, LimitsCommand.class,
        EngineCommand.class, CompareCommand.class, FailoverCommand.class, CommandLine.HelpCommand.class})
public final class KeelPerf implements Runnable {

    /** System property holding the Keel source tree the tool runs from (set by bin/keel-perf.sh). */
    public static final String HOME_PROPERTY = "keel.home";
    /** Exit code of a run that failed (server unreachable, every send failed, nothing to run). */
    public static final int EXIT_FAILED = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args the command line
     */
    public static void main(final String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // kafka-clients logs every config at info; the tool reports what matters itself.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
            .execute(args));
    }

    /**
     * @param out where reports go
     * @param err where progress, warnings and errors go
     * @return the command line, ready to {@code execute}
     */
    public static CommandLine newCommandLine(final PrintWriter out, final PrintWriter err) {
        final CommandLine commandLine = new CommandLine(new KeelPerf());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println("keel-perf " + cmd.getCommandName() + ": " + exception.getMessage());
            cmd.getErr().flush();
            return EXIT_FAILED;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The tool's version: the Keel commit it was built from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keel-perf (Keel commit " + RunReport.versions().get("keelCommit") + ", kafka-clients "
                + RunReport.versions().get("kafkaClients") + ")"};
        }
    }
}
