package keel.perf.cli;

import java.io.PrintWriter;
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

import keel.perf.peer.RunningServer;
import keel.perf.peer.ServerLauncher;
import keel.perf.peer.ServerSettings;
import keel.perf.stats.Spread;
import keel.perf.stats.Stats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code compare}: Keel against Apache Kafka, each in its own JVM with the same heap and flags, over the same
 * workload matrix, interleaved.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Start two servers (default Apache Kafka 4.4 and Keel), run the same workload matrix against both "
        + "interleaved A B A B, and report medians, min-max, the candidate/baseline ratio, broker CPU seconds per GB "
        + "and peak RSS.")
final class CompareCommand implements Callable<Integer> {

    private static final DateTimeFormatter RUN_TIME =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--baseline", defaultValue = "kafka",
        description = "The server ratios divide by: kafka or keel (default: ${DEFAULT-VALUE}).")
    private String baseline;

    @Option(names = "--candidate", defaultValue = "keel",
        description = "The server compared: kafka or keel (default: ${DEFAULT-VALUE}).")
    private String candidate;

    @Option(names = "--rounds", description = "Interleaved rounds per case (default: 3, 2 with --quick).")
    private Integer rounds;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "Length of each produce and e2e sample (default: 20s, 3s with --quick).")
    private Long sampleNs;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "Unmeasured produce per server before the first round (default: 10s, 2s with --quick).")
    private Long warmupNs;

    @Option(names = "--consume-records", paramLabel = "COUNT",
        description = "Records of 1 KiB in the topic each consume sample reads (default: 1000000, 100000 with "
            + "--quick).")
    private Long consumeRecords;

    @Option(names = "--partitions", defaultValue = "4",
        description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--latency-rates", split = ",", defaultValue = "0.25,0.5", paramLabel = "FRACTION",
        description = "Fixed rates of the e2e cases, as fractions of the slower server's median produce-1KiB-acks1 "
            + "rate in this run (default: ${DEFAULT-VALUE}).")
    private List<Double> latencyRates;

    @Option(names = "--cases", split = ",", paramLabel = "NAME",
        description = "Run only these cases of the matrix (produce-1KiB-acks1 always runs when an e2e case does).")
    private List<String> onlyCases;

    @Option(names = "--brokers", defaultValue = "1",
        description = "Brokers per server: 1, or 3 for clusters on this machine (each broker its own JVM; Keel adds "
            + "a ZooKeeper JVM): then the matrix is produce acks=all to replication-factor-3 topics, unthrottled and "
            + "at the --latency-rates (default: ${DEFAULT-VALUE}).")
    private int brokers;

    @Option(names = "--markdown", paramLabel = "FILE",
        description = "Also write the results as a Markdown section (the command, machine, load, table) to FILE.")
    private Path markdown;

    @Option(names = "--markdown-title", paramLabel = "TITLE",
        description = "The heading of the --markdown section (default: one naming the servers and brokers).")
    private String markdownTitle;

    @CommandLine.Mixin
    private final ServerOptions serverOptions = new ServerOptions();

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        final CommandLine commandLine = spec.commandLine();
        final boolean quick = output.quick;
        final int roundCount = rounds != null ? rounds : (quick ? 2 : 3);
        final long sample = sampleNs != null ? sampleNs : (quick ? 3_000_000_000L : 20_000_000_000L);
        final long warmup = warmupNs != null ? warmupNs : (quick ? 2_000_000_000L : 10_000_000_000L);
        final long fill = consumeRecords != null ? consumeRecords : (quick ? 100_000L : 1_000_000L);
        ProducerOptions.check(commandLine, roundCount >= 1 && roundCount <= 100, "--rounds must be 1..100: rounds="
            + roundCount);
        ProducerOptions.check(commandLine, sample > 0 && warmup > 0, "--duration and --warmup must be > 0");
        ProducerOptions.check(commandLine, fill >= 1, "--consume-records must be >= 1: consumeRecords=" + fill);
        ProducerOptions.check(commandLine, partitions >= 1 && partitions <= 10_000,
            "--partitions must be 1..10000: partitions=" + partitions);
        serverOptions.check(commandLine);
        ProducerOptions.check(commandLine, brokers == 1 || brokers == ServerSettings.CLUSTER_BROKERS,
            "--brokers must be 1 or " + ServerSettings.CLUSTER_BROKERS + ": brokers=" + brokers);
        for (final double rate : latencyRates) {
            ProducerOptions.check(commandLine, rate > 0 && rate < 1, "--latency-rates must be fractions in (0, 1): "
                + "rate=" + rate);
        }
        final List<ServerLauncher> launchers = List.of(serverOptions.launcher(commandLine, baseline),
            serverOptions.launcher(commandLine, candidate));
        ServerOptions.checkBuilt(launchers);
        final List<String> labels = baseline.equals(candidate)
            ? List.of(baseline + "-a", candidate + "-b") : List.of(baseline, candidate);
        final List<CompareCase> cases = selectCases(commandLine, brokers == 1
            ? CompareCase.matrix(quick, latencyRates) : CompareCase.clusterMatrix(latencyRates));
        final Comparison.Plan plan = new Comparison.Plan(cases, roundCount, sample, warmup,
            quick ? 1_000_000_000L : 3_000_000_000L, partitions, fill, (short) brokers);
        final String loadBefore = MarkdownSection.loadAverage();

        final Instant startedAt = Instant.now();
        final Path runDir = output.out.toAbsolutePath().resolve("compare-" + RUN_TIME.format(startedAt));
        final ServerSettings settings = serverOptions.settings(brokers);
        final String heap = settings.heap();
        final List<String> flags = settings.jvmFlags();
        final RunReport report = new RunReport("compare", startedAt);
        report.config().put("baseline", labels.get(0));
        report.config().put("candidate", labels.get(1));
        report.config().put("serverHeap", heap);
        report.config().put("serverJvmFlags", flags);
        report.config().put("kafkaProperties", serverOptions.kafkaProperties);
        report.config().put("keelProperties", serverOptions.keelProperties);
        report.config().put("quick", quick);
        report.config().put("brokers", brokers);
        report.config().put("arguments", commandLine.getParseResult().originalArgs());
        report.summary().put("loadAverageBefore", loadBefore);

        final List<RunningServer> servers;
        final Comparison comparison;
        final long[] peakRss = new long[2];
        final long[] helperPeakRss = new long[2];
        try (ProgressPrinter printer = ProgressPrinter.start(commandLine.getErr(), output.progressIntervalNs)) {
            servers = Comparison.startServers(launchers, labels, runDir.resolve("servers"), settings, printer);
            try {
                comparison = new Comparison(plan, servers, labels, printer);
                report.config().put("plan", comparison.planDescription());
                try {
                    comparison.run();
                } catch (final RuntimeException e) {
                    // Keep what was measured: a server failing one case should not cost the whole run's samples.
                    addSamples(report, comparison, labels);
                    report.summary().put("failure", String.valueOf(e.getMessage()));
                    report.summary().put("serverOutputs", servers.stream().flatMap(s -> s.outputFiles().stream())
                        .map(Path::toString).toList());
                    commandLine.getErr().println("keel-perf compare: partial report of the samples before the "
                        + "failure: " + report.write(runDir));
                    throw e;
                }
                for (int i = 0; i < servers.size(); i++) {
                    peakRss[i] = servers.get(i).peakRssBytes();
                    helperPeakRss[i] = servers.get(i).helperPeakRssBytes();
                }
            } finally {
                for (final RunningServer server : servers) {
                    server.close();
                    ServerOptions.deleteDataDirs(commandLine, server);
                }
            }
        }
        final String loadAfter = MarkdownSection.loadAverage();
        report.summary().put("loadAverageAfter", loadAfter);
        summarize(commandLine.getOut(), report, comparison, labels, peakRss, helperPeakRss);
        if (markdown != null) {
            final String title = markdownTitle != null ? markdownTitle : defaultTitle(labels, brokers);
            MarkdownSection.write(markdown, markdownSection(title, MarkdownSection.commandLine("compare",
                commandLine.getParseResult().originalArgs()), startedAt, Instant.now(), loadBefore, loadAfter,
                comparison, labels, peakRss, helperPeakRss, brokers));
            commandLine.getOut().println("markdown: " + markdown);
        }
        final List<Path> charts = Charts.write(runDir, comparison, labels);
        final Path json = report.write(runDir);
        commandLine.getOut().println("report: " + json);
        for (final Path chart : charts) {
            commandLine.getOut().println("chart: " + chart);
        }
        commandLine.getOut().flush();
        return 0;
    }

    private List<CompareCase> selectCases(final CommandLine commandLine, final List<CompareCase> matrix) {
        if (onlyCases == null || onlyCases.isEmpty()) {
            return matrix;
        }
        final List<String> known = new ArrayList<>();
        for (final CompareCase compareCase : matrix) {
            known.add(compareCase.name());
        }
        for (final String name : onlyCases) {
            ProducerOptions.check(commandLine, known.contains(name), "unknown case: case=" + name + " known="
                + known);
        }
        final List<CompareCase> selected = new ArrayList<>();
        final List<String> references = new ArrayList<>();
        for (final CompareCase compareCase : matrix) {
            if (compareCase.isLatencyCase() && onlyCases.contains(compareCase.name())) {
                references.add(compareCase.referenceCase());
            }
        }
        for (final CompareCase compareCase : matrix) {
            if (onlyCases.contains(compareCase.name()) || references.contains(compareCase.name())) {
                selected.add(compareCase);
            }
        }
        return selected;
    }

    static void summarize(final PrintWriter out, final RunReport report, final Comparison comparison,
                          final List<String> labels, final long[] peakRss) {
        summarize(out, report, comparison, labels, peakRss, new long[labels.size()]);
    }

    /**
     * Prints the table and notes, and puts the rows into the report's summary.
     *
     * @param peakRss       per server, the sum of its brokers' VmHWM
     * @param helperPeakRss per server, the sum of its helper JVMs' VmHWM (Keel's ZooKeeper), 0 without helpers
     */
    static void summarize(final PrintWriter out, final RunReport report, final Comparison comparison,
                          final List<String> labels, final long[] peakRss, final long[] helperPeakRss) {
        addSamples(report, comparison, labels);
        final String a = labels.get(0);
        final String b = labels.get(1);
        final TextTable table = new TextTable("case", "metric", a, a + " min-max", b, b + " min-max", b + "/" + a,
            a + " cpu s/GB", b + " cpu s/GB", "cpu " + b + "/" + a);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (final String caseName : caseNames(comparison)) {
            final CompareCase compareCase = compareCase(comparison, caseName);
            boolean first = true;
            for (final Comparison.Metric metric : metrics(compareCase)) {
                final double[] va = comparison.values(caseName, 0, metric);
                final double[] vb = comparison.values(caseName, 1, metric);
                final Spread sa = Stats.spread(va);
                final Spread sb = Stats.spread(vb);
                final double ratio = ratio(va, vb);
                final double[] cpuA = comparison.values(caseName, 0, Comparison.Metric.CPU_SEC_PER_GB);
                final double[] cpuB = comparison.values(caseName, 1, Comparison.Metric.CPU_SEC_PER_GB);
                table.row(first ? caseName : "", metricName(metric), format(metric, sa.median()),
                    format(metric, sa.min()) + "-" + format(metric, sa.max()), format(metric, sb.median()),
                    format(metric, sb.min()) + "-" + format(metric, sb.max()),
                    Double.isNaN(ratio) ? "-" : Results.ratio(ratio), first ? cpu(cpuA) : "",
                    first ? cpu(cpuB) : "", first ? cpuRatio(cpuA, cpuB) : "");
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("case", caseName);
                row.put("metric", metricName(metric));
                row.put(a, sa);
                row.put(b, sb);
                row.put("ratio", Double.isNaN(ratio) ? null : ratio);
                row.put("ratioOf", b + "/" + a + ", median of per-round ratios");
                if (first) {
                    row.put(a + "CpuSecPerGb", Stats.spread(cpuA));
                    row.put(b + "CpuSecPerGb", Stats.spread(cpuB));
                    for (int server = 0; server < labels.size(); server++) {
                        final double[] helper = comparison.values(caseName, server,
                            Comparison.Metric.HELPER_CPU_SEC_PER_GB);
                        if (hasHelperCpu(helper)) {
                            row.put(labels.get(server) + "ZooKeeperCpuSecPerGb", Stats.spread(helper));
                        }
                    }
                }
                rows.add(row);
                first = false;
            }
        }
        table.print(out);
        out.println(String.format(Locale.ROOT, "peak RSS (VmHWM, sum over the brokers): %s %.0f MiB, %s %.0f MiB", a,
            peakRss[0] / 1048576.0, b, peakRss[1] / 1048576.0));
        for (final String line : helperLines(comparison, labels, helperPeakRss)) {
            out.println(line);
        }
        for (final Map.Entry<String, Double> reference : comparison.referenceRates().entrySet()) {
            out.println("latency-case rates are fractions of " + Results.number(reference.getValue())
                + " records/s, the slower server's median " + reference.getKey());
        }
        out.println("medians and min-max over " + comparison.planDescription().get("rounds") + " interleaved rounds; "
            + "ratio = median of per-round " + b + "/" + a + "; cpu s/GB = broker CPU seconds (utime+stime, summed "
            + "over a cluster's brokers) per GB ingested (produce, e2e) or served (consume)");
        for (final String warning : comparison.warnings()) {
            out.println("warning: " + warning);
        }
        report.summary().put("rows", rows);
        final Map<String, Object> rss = new LinkedHashMap<>();
        final Map<String, Object> helperRss = new LinkedHashMap<>();
        for (int server = 0; server < labels.size(); server++) {
            rss.put(labels.get(server), peakRss[server]);
            helperRss.put(labels.get(server), helperPeakRss[server]);
        }
        report.summary().put("peakRssBytes", rss);
        report.summary().put("zooKeeperPeakRssBytes", helperRss);
        report.summary().put("e2eReferenceRecordsPerSec", comparison.referenceRate());
        report.summary().put("latencyReferenceRecordsPerSec", comparison.referenceRates());
        report.summary().put("warnings", comparison.warnings());
    }

    /**
     * The ZooKeeper lines: Keel's cluster needs a ZooKeeper JVM, Kafka's KRaft cluster none (its controllers run
     * inside the brokers, so their CPU is in the brokers' figures). Empty without helpers.
     */
    private static List<String> helperLines(final Comparison comparison, final List<String> labels,
                                            final long[] helperPeakRss) {
        final List<String> lines = new ArrayList<>();
        for (int server = 0; server < labels.size(); server++) {
            if (helperPeakRss[server] == 0) {
                continue;
            }
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "%s's ZooKeeper (not in the broker figures above; Kafka's KRaft controllers run inside its brokers, "
                    + "so it has none): peak RSS %.0f MiB, cpu s/GB", labels.get(server),
                helperPeakRss[server] / 1048576.0));
            for (final String caseName : caseNames(comparison)) {
                line.append(' ').append(caseName).append(' ').append(cpu(comparison.values(caseName, server,
                    Comparison.Metric.HELPER_CPU_SEC_PER_GB)));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static boolean hasHelperCpu(final double[] values) {
        for (final double value : values) {
            if (value > 0) {
                return true;
            }
        }
        return false;
    }

    private static List<String> caseNames(final Comparison comparison) {
        final List<String> names = new ArrayList<>();
        for (final Comparison.Sample sample : comparison.samples()) {
            if (!names.contains(sample.compareCase().name())) {
                names.add(sample.compareCase().name());
            }
        }
        return names;
    }

    private static CompareCase compareCase(final Comparison comparison, final String name) {
        for (final Comparison.Sample sample : comparison.samples()) {
            if (sample.compareCase().name().equals(name)) {
                return sample.compareCase();
            }
        }
        throw new IllegalArgumentException("no samples of case: case=" + name);
    }

    private static List<Comparison.Metric> metrics(final CompareCase compareCase) {
        return compareCase.isLatencyCase()
            ? List.of(Comparison.Metric.P50_MS, Comparison.Metric.P99_MS, Comparison.Metric.P999_MS)
            : List.of(Comparison.Metric.MB_PER_SEC, Comparison.Metric.RECORDS_PER_SEC);
    }

    private static String defaultTitle(final List<String> labels, final int brokers) {
        return brokers == 1 ? labels.get(1) + " vs " + labels.get(0) + ", single node"
            : labels.get(1) + " vs " + labels.get(0) + ", three brokers, RF=3, acks=all";
    }

    /**
     * The run as a Markdown section for docs/performance.md: heading, when and at which commit, the exact command,
     * machine and load average, the table (median and min-max per server, the ratio, CPU per GB), the peak RSS and
     * ZooKeeper lines and how to read the figures.
     */
    static String markdownSection(final String title, final String command, final Instant startedAt,
                                  final Instant finishedAt, final String loadBefore, final String loadAfter,
                                  final Comparison comparison, final List<String> labels, final long[] peakRss,
                                  final long[] helperPeakRss, final int brokers) {
        final String a = labels.get(0);
        final String b = labels.get(1);
        final java.io.StringWriter text = new java.io.StringWriter();
        final PrintWriter out = new PrintWriter(text);
        MarkdownSection.header(out, title, command, startedAt, finishedAt, loadBefore, loadAfter);
        out.println("**Servers:** " + (brokers == 1 ? "one broker JVM each"
            : brokers + " broker JVMs each on 127.0.0.1 (Kafka: KRaft, every node broker and controller; Keel: "
                + "`zookeeper.connect` to one ZooKeeper JVM), topics with replication factor " + brokers
                + ", `min.insync.replicas=2`") + "; the same heap and JVM flags for every broker; "
            + comparison.planDescription().get("rounds") + " interleaved rounds of "
            + comparison.planDescription().get("sampleSec") + " s per case, " + comparison.planDescription()
            .get("partitions") + " partitions per topic; " + comparison.planDescription().get("producer") + ".");
        out.println();
        final TextTable table = new TextTable("case", "metric", a + " median (min-max)", b + " median (min-max)",
            b + "/" + a, a + " CPU s/GB", b + " CPU s/GB", "CPU " + b + "/" + a);
        for (final String caseName : caseNames(comparison)) {
            final CompareCase compareCase = compareCase(comparison, caseName);
            boolean first = true;
            for (final Comparison.Metric metric : metrics(compareCase)) {
                final double[] va = comparison.values(caseName, 0, metric);
                final double[] vb = comparison.values(caseName, 1, metric);
                final double ratio = ratio(va, vb);
                final double[] cpuA = comparison.values(caseName, 0, Comparison.Metric.CPU_SEC_PER_GB);
                final double[] cpuB = comparison.values(caseName, 1, Comparison.Metric.CPU_SEC_PER_GB);
                table.row(first ? caseLabel(compareCase, comparison) : "", metricName(metric),
                    withRange(metric, Stats.spread(va)), withRange(metric, Stats.spread(vb)),
                    Double.isNaN(ratio) ? "-" : Results.ratio(ratio), first ? cpu(cpuA) : "",
                    first ? cpu(cpuB) : "", first ? cpuRatio(cpuA, cpuB) : "");
                first = false;
            }
        }
        table.printMarkdown(out);
        out.println();
        out.println(String.format(Locale.ROOT, "Peak RSS (VmHWM, summed over the brokers): %s %.0f MiB, %s %.0f MiB.",
            a, peakRss[0] / 1048576.0, b, peakRss[1] / 1048576.0));
        for (final String line : helperLines(comparison, labels, helperPeakRss)) {
            out.println(line + ".");
        }
        out.println("Ratios are " + b + "/" + a + ", the median of per-round ratios (not always the ratio of the "
            + "medians shown). CPU s/GB = broker CPU seconds (utime+stime from /proc, summed over a cluster's brokers) "
            + "per GB of record values ingested (produce, e2e) or served (consume).");
        for (final String warning : comparison.warnings()) {
            out.println("Warning: " + warning + ".");
        }
        out.flush();
        return text.toString();
    }

    private static String caseLabel(final CompareCase compareCase, final Comparison comparison) {
        if (!compareCase.isLatencyCase()) {
            return compareCase.name();
        }
        final Double reference = comparison.referenceRates().get(compareCase.referenceCase());
        return reference == null ? compareCase.name() : compareCase.name() + " at "
            + Results.number(reference * compareCase.rateFraction()) + " rec/s";
    }

    private static String withRange(final Comparison.Metric metric, final Spread spread) {
        return format(metric, spread.median()) + " (" + format(metric, spread.min()) + "-"
            + format(metric, spread.max()) + ")";
    }

    private static String cpuRatio(final double[] baseline, final double[] candidate) {
        if (baseline.length != candidate.length || baseline.length == 0) {
            return "-";
        }
        for (int i = 0; i < baseline.length; i++) {
            if (Double.isNaN(baseline[i]) || Double.isNaN(candidate[i]) || baseline[i] <= 0) {
                return "-";
            }
        }
        return Results.ratio(Stats.pairedRatioMedian(baseline, candidate));
    }

    private static void addSamples(final RunReport report, final Comparison comparison, final List<String> labels) {
        for (final Comparison.Sample sample : comparison.samples()) {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("case", sample.compareCase().name());
            entry.put("server", labels.get(sample.server()));
            entry.put("round", sample.round());
            entry.putAll(RunReport.loadSample(sample.result()));
            entry.put("serverCpuSec", sample.cpuSeconds());
            entry.put("serverCpuSecPerGb", sample.cpuSecondsPerGb());
            report.addSample(entry);
        }
    }

    private static double ratio(final double[] baseline, final double[] candidate) {
        for (final double value : baseline) {
            if (value == 0) {
                return Double.NaN;
            }
        }
        return Stats.pairedRatioMedian(baseline, candidate);
    }

    private static String cpu(final double[] values) {
        for (final double value : values) {
            if (Double.isNaN(value)) {
                return "-";
            }
        }
        return String.format(Locale.ROOT, "%.2f", Stats.median(values));
    }

    private static String metricName(final Comparison.Metric metric) {
        switch (metric) {
            case RECORDS_PER_SEC:
                return "records/s";
            case MB_PER_SEC:
                return "MB/s";
            case P50_MS:
                return "p50 ms";
            case P99_MS:
                return "p99 ms";
            case P999_MS:
                return "p99.9 ms";
            default:
                return "cpu s/GB";
        }
    }

    private static String format(final Comparison.Metric metric, final double value) {
        switch (metric) {
            case RECORDS_PER_SEC:
                return Results.number(value);
            case MB_PER_SEC:
                return Results.decimal(value);
            default:
                return Results.ms(value);
        }
    }
}
