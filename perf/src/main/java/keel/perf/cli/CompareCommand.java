package keel.perf.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import keel.perf.peer.KafkaLauncher;
import keel.perf.peer.KeelLauncher;
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

    @Option(names = "--heap", defaultValue = "1g", description = "-Xms and -Xmx of both servers (default: "
        + "${DEFAULT-VALUE}).")
    private String heap;

    @Option(names = "--server-jvm-flag", paramLabel = "FLAG",
        description = "A further JVM flag for both servers (repeatable).")
    private List<String> extraFlags = new ArrayList<>();

    @Option(names = "--start-timeout", defaultValue = "180s", converter = Converters.DurationNs.class,
        description = "How long a server may take to answer (default: ${DEFAULT-VALUE}).")
    private long startTimeoutNs;

    @Option(names = "--keel-home", paramLabel = "DIR",
        description = "Keel source tree whose build runs as keel (default: the tree bin/keel-perf.sh is in).")
    private Path keelHome;

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
        ProducerOptions.check(commandLine, heap.matches("\\d+[kmgKMG]?"), "--heap must be like 1g or 512m: heap="
            + heap);
        for (final double rate : latencyRates) {
            ProducerOptions.check(commandLine, rate > 0 && rate < 1, "--latency-rates must be fractions in (0, 1): "
                + "rate=" + rate);
        }
        final Path home = keelHome != null ? keelHome : Path.of(System.getProperty(KeelPerf.HOME_PROPERTY, "."));
        final List<ServerLauncher> launchers = List.of(launcher(commandLine, baseline, home),
            launcher(commandLine, candidate, home));
        for (final ServerLauncher launcher : launchers) {
            if (launcher instanceof KeelLauncher) {
                ((KeelLauncher) launcher).checkBuilt();
            }
        }
        final List<String> labels = baseline.equals(candidate)
            ? List.of(baseline + "-a", candidate + "-b") : List.of(baseline, candidate);
        final List<CompareCase> cases = selectCases(commandLine, CompareCase.matrix(quick, latencyRates));
        final Comparison.Plan plan = new Comparison.Plan(cases, roundCount, sample, warmup,
            quick ? 1_000_000_000L : 3_000_000_000L, partitions, fill);

        final Instant startedAt = Instant.now();
        final Path runDir = output.out.toAbsolutePath().resolve("compare-" + RUN_TIME.format(startedAt));
        final List<String> flags = new ArrayList<>();
        final String keelFlags = System.getProperty("keel.jvm.flags", "");
        if (!keelFlags.isBlank()) {
            flags.addAll(Arrays.asList(keelFlags.trim().split("\\s+")));
        }
        flags.addAll(ServerSettings.KAFKA_SCRIPT_GC_FLAGS);
        flags.addAll(extraFlags);
        final ServerSettings settings = new ServerSettings(ServerSettings.currentJava(), heap, List.copyOf(flags),
            System.getProperty("java.class.path"), Duration.ofNanos(startTimeoutNs));
        final RunReport report = new RunReport("compare", startedAt);
        report.config().put("baseline", labels.get(0));
        report.config().put("candidate", labels.get(1));
        report.config().put("serverHeap", heap);
        report.config().put("serverJvmFlags", flags);
        report.config().put("quick", quick);

        final List<RunningServer> servers;
        final Comparison comparison;
        final long[] peakRss = new long[2];
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
                    report.summary().put("serverOutputs", servers.stream().map(s -> s.outputFile().toString())
                        .toList());
                    commandLine.getErr().println("keel-perf compare: partial report of the samples before the "
                        + "failure: " + report.write(runDir));
                    throw e;
                }
                for (int i = 0; i < servers.size(); i++) {
                    peakRss[i] = servers.get(i).peakRssBytes();
                }
            } finally {
                for (final RunningServer server : servers) {
                    server.close();
                    deleteData(commandLine, server.workDir().resolve("data"));
                }
            }
        }
        summarize(commandLine.getOut(), report, comparison, labels, peakRss);
        final List<Path> charts = Charts.write(runDir, comparison, labels);
        final Path json = report.write(runDir);
        commandLine.getOut().println("report: " + json);
        for (final Path chart : charts) {
            commandLine.getOut().println("chart: " + chart);
        }
        commandLine.getOut().flush();
        return 0;
    }

    private static ServerLauncher launcher(final CommandLine commandLine, final String name, final Path home) {
        switch (name) {
            case KafkaLauncher.NAME:
                return new KafkaLauncher();
            case KeelLauncher.NAME:
                return new KeelLauncher(home);
            default:
                throw new CommandLine.ParameterException(commandLine, "servers are kafka or keel: server=" + name);
        }
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
        final boolean latency = matrix.stream().anyMatch(c -> c.isLatencyCase() && onlyCases.contains(c.name()));
        for (final CompareCase compareCase : matrix) {
            if (onlyCases.contains(compareCase.name())
                || (latency && compareCase.name().equals(CompareCase.RATE_REFERENCE))) {
                selected.add(compareCase);
            }
        }
        return selected;
    }

    static void summarize(final PrintWriter out, final RunReport report, final Comparison comparison,
                                  final List<String> labels, final long[] peakRss) {
        addSamples(report, comparison, labels);
        final String a = labels.get(0);
        final String b = labels.get(1);
        final TextTable table = new TextTable("case", "metric", a, a + " min-max", b, b + " min-max", b + "/" + a,
            a + " cpu s/GB", b + " cpu s/GB");
        final List<Map<String, Object>> rows = new ArrayList<>();
        final List<String> seen = new ArrayList<>();
        for (final Comparison.Sample sample : comparison.samples()) {
            final CompareCase compareCase = sample.compareCase();
            if (seen.contains(compareCase.name())) {
                continue;
            }
            seen.add(compareCase.name());
            final List<Comparison.Metric> metrics = compareCase.isLatencyCase()
                ? List.of(Comparison.Metric.P50_MS, Comparison.Metric.P99_MS, Comparison.Metric.P999_MS)
                : List.of(Comparison.Metric.MB_PER_SEC, Comparison.Metric.RECORDS_PER_SEC);
            boolean first = true;
            for (final Comparison.Metric metric : metrics) {
                final double[] va = comparison.values(compareCase.name(), 0, metric);
                final double[] vb = comparison.values(compareCase.name(), 1, metric);
                final Spread sa = Stats.spread(va);
                final Spread sb = Stats.spread(vb);
                final double ratio = ratio(va, vb);
                final String cpuA = first ? cpu(comparison.values(compareCase.name(), 0,
                    Comparison.Metric.CPU_SEC_PER_GB)) : "";
                final String cpuB = first ? cpu(comparison.values(compareCase.name(), 1,
                    Comparison.Metric.CPU_SEC_PER_GB)) : "";
                table.row(first ? compareCase.name() : "", metricName(metric), format(metric, sa.median()),
                    format(metric, sa.min()) + "-" + format(metric, sa.max()), format(metric, sb.median()),
                    format(metric, sb.min()) + "-" + format(metric, sb.max()),
                    Double.isNaN(ratio) ? "-" : Results.ratio(ratio), cpuA, cpuB);
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("case", compareCase.name());
                row.put("metric", metricName(metric));
                row.put(a, sa);
                row.put(b, sb);
                row.put("ratio", Double.isNaN(ratio) ? null : ratio);
                row.put("ratioOf", b + "/" + a + ", median of per-round ratios");
                if (first) {
                    row.put(a + "CpuSecPerGb", Stats.spread(comparison.values(compareCase.name(), 0,
                        Comparison.Metric.CPU_SEC_PER_GB)));
                    row.put(b + "CpuSecPerGb", Stats.spread(comparison.values(compareCase.name(), 1,
                        Comparison.Metric.CPU_SEC_PER_GB)));
                }
                rows.add(row);
                first = false;
            }
        }
        table.print(out);
        out.println(String.format(Locale.ROOT, "peak RSS (VmHWM): %s %.0f MiB, %s %.0f MiB", a,
            peakRss[0] / 1048576.0, b, peakRss[1] / 1048576.0));
        if (comparison.referenceRate() > 0) {
            out.println("e2e rates are fractions of " + Results.number(comparison.referenceRate()) + " records/s, the "
                + "slower server's median " + CompareCase.RATE_REFERENCE);
        }
        out.println("medians and min-max over " + comparison.planDescription().get("rounds") + " interleaved rounds; "
            + "ratio = median of per-round " + b + "/" + a + "; cpu s/GB = server CPU seconds (utime+stime) per GB "
            + "ingested (produce, e2e) or served (consume)");
        for (final String warning : comparison.warnings()) {
            out.println("warning: " + warning);
        }
        report.summary().put("rows", rows);
        final Map<String, Object> rss = new LinkedHashMap<>();
        rss.put(a, peakRss[0]);
        rss.put(b, peakRss[1]);
        report.summary().put("peakRssBytes", rss);
        report.summary().put("e2eReferenceRecordsPerSec", comparison.referenceRate());
        report.summary().put("warnings", comparison.warnings());
    }

    /** The servers' logs can be gigabytes after a full run; their configuration and output stay. */
    private static void deleteData(final CommandLine commandLine, final Path data) {
        if (!java.nio.file.Files.isDirectory(data)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(data)) {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        } catch (final java.io.IOException | java.io.UncheckedIOException e) {
            commandLine.getErr().println("keel-perf compare: could not delete " + data + ": " + e);
        }
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
