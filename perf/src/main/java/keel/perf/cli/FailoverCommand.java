package keel.perf.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import keel.perf.load.FailoverLoad;
import keel.perf.load.LoadProgress;
import keel.perf.load.PartitionLeaders;
import keel.perf.load.TopicAdmin;
import keel.perf.peer.RunningServer;
import keel.perf.peer.ServerLauncher;
import keel.perf.peer.ServerNode;
import keel.perf.peer.ServerSettings;
import keel.perf.stats.FailoverGap;
import keel.perf.stats.Spread;
import keel.perf.stats.Stats;
import keel.server.KeelConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code failover}: three-broker clusters of each server, one replicated topic each; per repetition and server,
 * produce with acks=all at a fixed rate to partition 0, SIGKILL its leader, and measure how long until produce
 * succeeds again; then restart the killed broker and wait until it is back in the ISR. Repetitions interleave the
 * servers (A B A B).
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Start three-broker clusters (default Apache Kafka 4.4 and Keel), produce acks=all at a fixed rate "
        + "to a replication-factor-3 topic, SIGKILL the leader of partition 0 and measure the time until produce "
        + "succeeds again; repeated, interleaved, medians.")
final class FailoverCommand implements Callable<Integer> {

    private static final DateTimeFormatter RUN_TIME =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final String TOPIC = "keel-perf-failover";
    private static final long REJOIN_TIMEOUT_MS = 180_000;
    private static final List<String> QUIET_LOGGERS = List.of("org.apache.kafka.clients.NetworkClient",
        "org.apache.kafka.clients.producer.internals.Sender", "org.apache.kafka.clients.Metadata",
        "org.apache.kafka.clients.admin.internals.AdminMetadataManager");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--servers", split = ",", defaultValue = "kafka,keel", paramLabel = "NAME",
        description = "The servers, in the order they run in each repetition: kafka, keel (default: "
            + "${DEFAULT-VALUE}).")
    private List<String> serverNames;

    @Option(names = "--repetitions", paramLabel = "COUNT",
        description = "Kills per server (default: 3, 1 with --quick).")
    private Integer repetitions;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "RECORDS_PER_SEC",
        description = "Records per second, all to partition 0 (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = {"-s", "--record-size"}, defaultValue = "1KiB", converter = Converters.Size.class,
        paramLabel = "SIZE", description = "Value size (default: ${DEFAULT-VALUE}).")
    private long recordSizeBytes;

    @Option(names = "--before", paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "Produce time before the kill (default: 5s, 2s with --quick).")
    private Long beforeNs;

    @Option(names = "--after", paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "Produce time after produce succeeds again (default: 3s, 1s with --quick).")
    private Long afterNs;

    @Option(names = "--max-wait", defaultValue = "90s", paramLabel = "DURATION",
        converter = Converters.DurationNs.class,
        description = "The longest wait for produce to succeed again (default: ${DEFAULT-VALUE}).")
    private long maxWaitNs;

    @Option(names = "--markdown", paramLabel = "FILE",
        description = "Also write the results as a Markdown section (the command, machine, load, table) to FILE.")
    private Path markdown;

    @Option(names = "--markdown-title", paramLabel = "TITLE", defaultValue = "Failover time, three brokers, RF=3, "
        + "acks=all", description = "The heading of the --markdown section (default: ${DEFAULT-VALUE}).")
    private String markdownTitle;

    @CommandLine.Mixin
    private final ServerOptions serverOptions = new ServerOptions();

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    /** One kill and its figures. */
    record Run(String server, int repetition, String killed, long sent, FailoverGap gap) {
    }

    @Override
    public Integer call() throws Exception {
        final CommandLine commandLine = spec.commandLine();
        // A killed leader makes the producer warn on every retry and reconnect: expected here, and it would bury the
        // progress lines. slf4j-simple reads a logger's level when the logger is first created, so before any client.
        for (final String logger : QUIET_LOGGERS) {
            final String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "error");
            }
        }
        final boolean quick = output.quick;
        final int count = repetitions != null ? repetitions : (quick ? 1 : 3);
        final long before = beforeNs != null ? beforeNs : (quick ? 2_000_000_000L : 5_000_000_000L);
        final long after = afterNs != null ? afterNs : (quick ? 1_000_000_000L : 3_000_000_000L);
        ProducerOptions.check(commandLine, count >= 1 && count <= 100, "--repetitions must be 1..100: repetitions="
            + count);
        ProducerOptions.check(commandLine, rate > 0 && rate <= 1_000_000, "--rate must be in (0, 1000000]: rate="
            + rate);
        ProducerOptions.check(commandLine, before > 0 && after >= 0 && maxWaitNs > 0,
            "--before and --max-wait must be > 0, --after >= 0");
        ProducerOptions.check(commandLine, recordSizeBytes >= 1
            && recordSizeBytes <= ProducerOptions.MAX_RECORD_SIZE_BYTES, "--record-size must be 1.."
            + ProducerOptions.MAX_RECORD_SIZE_BYTES + " bytes: recordSize=" + recordSizeBytes);
        ProducerOptions.check(commandLine, !serverNames.isEmpty() && serverNames.stream().distinct().count()
            == serverNames.size(), "--servers must name each server once: servers=" + serverNames);
        serverOptions.check(commandLine);
        final List<ServerLauncher> launchers = new ArrayList<>();
        for (final String name : serverNames) {
            launchers.add(serverOptions.launcher(commandLine, name));
        }
        ServerOptions.checkBuilt(launchers);
        final ServerSettings settings = serverOptions.settings(ServerSettings.CLUSTER_BROKERS);

        final Instant startedAt = Instant.now();
        final String loadBefore = MarkdownSection.loadAverage();
        final Path runDir = output.out.toAbsolutePath().resolve("failover-" + RUN_TIME.format(startedAt));
        final RunReport report = new RunReport("failover", startedAt);
        report.config().put("servers", serverNames);
        report.config().put("brokers", ServerSettings.CLUSTER_BROKERS);
        report.config().put("repetitions", count);
        report.config().put("ratePerSec", rate);
        report.config().put("recordSizeBytes", recordSizeBytes);
        report.config().put("beforeKillSec", before / 1e9);
        report.config().put("afterRecoverySec", after / 1e9);
        report.config().put("maxWaitSec", maxWaitNs / 1e9);
        report.config().put("serverHeap", settings.heap());
        report.config().put("serverJvmFlags", settings.jvmFlags());
        report.config().put("kafkaProperties", serverOptions.kafkaProperties);
        report.config().put("keelProperties", serverOptions.keelProperties);
        report.config().put("arguments", commandLine.getParseResult().originalArgs());
        report.summary().put("loadAverageBefore", loadBefore);

        final List<Run> runs = new ArrayList<>();
        final List<RunningServer> servers = new ArrayList<>();
        try (ProgressPrinter printer = ProgressPrinter.start(commandLine.getErr(), output.progressIntervalNs)) {
            try {
                servers.addAll(Comparison.startServers(launchers, serverNames, runDir.resolve("servers"), settings,
                    printer));
                for (final RunningServer server : servers) {
                    TopicAdmin.ensureTopic(server.bootstrap(), TOPIC, 1, settings.replicationFactor());
                    PartitionLeaders.awaitFullIsr(server.bootstrap(), TOPIC, 0, ServerSettings.CLUSTER_BROKERS,
                        REJOIN_TIMEOUT_MS);
                }
                for (int repetition = 1; repetition <= count; repetition++) {
                    for (int s = 0; s < servers.size(); s++) {
                        runs.add(runOnce(servers.get(s), serverNames.get(s), repetition, count, before, after,
                            settings, printer));
                    }
                }
            } catch (final RuntimeException e) {
                addRuns(report, runs);
                report.summary().put("failure", String.valueOf(e.getMessage()));
                report.summary().put("serverOutputs", servers.stream().flatMap(x -> x.outputFiles().stream())
                    .map(Path::toString).toList());
                commandLine.getErr().println("keel-perf failover: partial report of the runs before the failure: "
                    + report.write(runDir));
                throw e;
            } finally {
                for (final RunningServer server : servers) {
                    server.close();
                    ServerOptions.deleteDataDirs(commandLine, server);
                }
            }
        }
        final String loadAfter = MarkdownSection.loadAverage();
        report.summary().put("loadAverageAfter", loadAfter);
        addRuns(report, runs);
        report.summary().put("explanation", explanation());
        // The JSON first: whatever fails after it, the measured repetitions are kept.
        final Path json = report.write(runDir);
        final PrintWriter out = commandLine.getOut();
        table(runs, false).print(out);
        out.println(explanation());
        out.println("report: " + json);
        if (markdown != null) {
            MarkdownSection.write(markdown, markdownSection(MarkdownSection.commandLine("failover",
                commandLine.getParseResult().originalArgs()), startedAt, Instant.now(), loadBefore, loadAfter, runs));
            out.println("markdown: " + markdown);
        }
        out.flush();
        return 0;
    }

    private Run runOnce(final RunningServer server, final String label, final int repetition, final int count,
                        final long before, final long after, final ServerSettings settings,
                        final ProgressPrinter printer) throws Exception {
        final LoadProgress progress = new LoadProgress();
        printer.step("[" + label + " " + repetition + "/" + count + "] producing " + Results.number(rate)
            + " records/s to " + TOPIC + "-0, killing its leader after " + before / 1_000_000_000L + " s", progress,
            before + after);
        final FailoverLoad.Spec load = new FailoverLoad.Spec(server.bootstrap(), TOPIC, 0, (int) recordSizeBytes,
            rate, before,
            after, maxWaitNs, Map.of());
        // The leader is looked up before producing starts, so the kill itself is all that happens at the kill time.
        final ServerNode[] victim = {server.broker(PartitionLeaders.leader(server.bootstrap(), TOPIC, 0))};
        final FailoverLoad.Result result = FailoverLoad.run(load, () -> {
            final String what = victim[0].name() + " (pid " + victim[0].pid() + ")";
            if (!victim[0].kill()) {
                throw new IllegalStateException("the leader did not die on SIGKILL: " + what);
            }
            printer.step("[" + label + " " + repetition + "/" + count + "] SIGKILLed the leader of " + TOPIC + "-0: "
                + what + "; waiting for produce to succeed again", progress, 0);
            return what;
        }, progress);
        final Run run = new Run(label, repetition, result.killed(), result.sent(), result.gap());
        printer.step(String.format(Locale.ROOT, "[%s %d/%d] produce succeeded again %.0f ms after the kill "
                + "(longest ack gap %.0f ms); restarting %s", label, repetition, count, run.gap().recoveryMs(),
            run.gap().maxAckGapMs(), victim[0].name()), null, 0);
        victim[0].restart(settings.startTimeout().toMillis());
        PartitionLeaders.awaitFullIsr(server.bootstrap(), TOPIC, 0, ServerSettings.CLUSTER_BROKERS,
            REJOIN_TIMEOUT_MS);
        return run;
    }

    /**
     * @param markdownCells "median (min-max)" cells for Markdown instead of separate columns
     */
    static TextTable table(final List<Run> runs, final boolean markdownCells) {
        final TextTable table = markdownCells
            ? new TextTable("server", "kills", "produce succeeding again after the kill, ms: median (min-max)",
                "longest ack gap, ms: median (min-max)", "failed sends", "leaders killed")
            : new TextTable("server", "kills", "recovery ms", "min-max", "max ack gap ms", "min-max", "failed",
                "killed");
        for (final String server : servers(runs)) {
            final List<Run> mine = runs.stream().filter(r -> r.server().equals(server)).toList();
            final double[] recovery = mine.stream().mapToDouble(r -> r.gap().recoveryMs()).toArray();
            final double[] gap = mine.stream().mapToDouble(r -> r.gap().maxAckGapMs()).toArray();
            final long failed = mine.stream().mapToLong(r -> r.gap().failed()).sum();
            final String killed = String.join(" ", mine.stream().map(r -> r.killed().split(" ")[0]).toList());
            final Spread r = Stats.spread(recovery);
            final Spread g = Stats.spread(gap);
            if (markdownCells) {
                table.row(server, mine.size(), ms(r.median()) + " (" + ms(r.min()) + "-" + ms(r.max()) + ")",
                    ms(g.median()) + " (" + ms(g.min()) + "-" + ms(g.max()) + ")", failed, killed);
            } else {
                table.row(server, mine.size(), ms(r.median()), ms(r.min()) + "-" + ms(r.max()), ms(g.median()),
                    ms(g.min()) + "-" + ms(g.max()), failed, killed);
            }
        }
        return table;
    }

    private static List<String> servers(final List<Run> runs) {
        final List<String> servers = new ArrayList<>();
        for (final Run run : runs) {
            if (!servers.contains(run.server())) {
                servers.add(run.server());
            }
        }
        return servers;
    }

    /** Whole milliseconds; "none" when produce never succeeded again within --max-wait. */
    private static String ms(final double value) {
        return Double.isNaN(value) ? "none" : String.format(Locale.ROOT, "%.0f", value);
    }

    private String explanation() {
        return "recovery = from the SIGKILL of partition 0's leader to the first ack of a record sent after it; max "
            + "ack gap = the longest time without any ack, over the gaps ending after the kill; " + Results.number(rate)
            + " records/s of " + recordSizeBytes + " B, acks=all, idempotent, linger.ms 5, request.timeout.ms 5000; "
            + "topic RF 3, min.insync.replicas 2; failure detection: Kafka KRaft broker.session.timeout.ms "
            + serverOptions.kafkaProperties.getOrDefault("broker.session.timeout.ms", "9000 (default)")
            + ", Keel zookeeper.session.timeout.ms " + keelSessionTimeout();
    }

    /** The session timeout the Keel brokers run with: given with --keel-property, else the built Keel's default. */
    private String keelSessionTimeout() {
        final String given = serverOptions.keelProperties.get(KeelConfig.ZOOKEEPER_SESSION_TIMEOUT_MS);
        if (given != null) {
            return given;
        }
        try {
            return KeelConfig.fromMap(Map.of(KeelConfig.ZOOKEEPER_CONNECT, "127.0.0.1:2181", KeelConfig.LOG_DIRS,
                "data")).zookeeperSessionTimeoutMs() + " (default)";
        } catch (final RuntimeException e) {
            return "(Keel's default: " + e.getMessage() + ")";
        }
    }

    private String markdownSection(final String command, final Instant startedAt, final Instant finishedAt,
                                   final String loadBefore, final String loadAfter, final List<Run> runs) {
        final StringWriter text = new StringWriter();
        final PrintWriter out = new PrintWriter(text);
        MarkdownSection.header(out, markdownTitle, command, startedAt, finishedAt, loadBefore, loadAfter);
        table(runs, true).printMarkdown(out);
        out.println();
        out.println(explanation().substring(0, 1).toUpperCase(Locale.ROOT) + explanation().substring(1) + ".");
        out.flush();
        return text.toString();
    }

    private static void addRuns(final RunReport report, final List<Run> runs) {
        for (final Run run : runs) {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("server", run.server());
            entry.put("repetition", run.repetition());
            entry.put("killed", run.killed());
            entry.put("sent", run.sent());
            entry.put("recoveryMs", run.gap().recoveryMs());
            entry.put("maxAckGapMs", run.gap().maxAckGapMs());
            entry.put("sentBeforeKill", run.gap().sentBeforeKill());
            entry.put("sentAfterKill", run.gap().sentAfterKill());
            entry.put("failed", run.gap().failed());
            entry.put("unacknowledged", run.gap().unacknowledged());
            report.addSample(entry);
        }
    }
}
