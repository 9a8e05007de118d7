package keel.perf.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import keel.perf.load.ConsumeLoad;
import keel.perf.load.ConsumeSpec;
import keel.perf.load.LoadProgress;
import keel.perf.load.LoadResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consume}: read throughput of consumers in parallel.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = "Read a topic with consumers in parallel and report records/s and MB/s.")
final class ConsumeCommand implements Callable<Integer> {

    static final long QUICK_DURATION_NS = 5_000_000_000L;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bootstrap"}, required = true, paramLabel = "HOST:PORT",
        description = "bootstrap.servers of the server to measure.")
    private String bootstrap;

    @Option(names = {"-t", "--topic"}, defaultValue = "keel-perf", description = "Topic (default: ${DEFAULT-VALUE}).")
    private String topic;

    @Option(names = {"-n", "--records"}, paramLabel = "COUNT", defaultValue = "0",
        description = "Records to read (default: all up to the end offsets at the start).")
    private long records;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "Read for at most this long (default: no limit, or 5s with --quick).")
    private Long durationNs;

    @Option(names = {"-c", "--consumers"}, defaultValue = "1",
        description = "Consumers in parallel, a thread each (default: ${DEFAULT-VALUE}).")
    private int consumers;

    @Option(names = {"-g", "--group"},
        description = "Subscribe with this consumer group (default: assign partitions, no group).")
    private String group;

    @Option(names = {"-X", "--consumer-property"}, paramLabel = "KEY=VALUE",
        description = "Any further consumer property, applied last (repeatable).")
    private Map<String, String> properties = new LinkedHashMap<>();

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        final CommandLine commandLine = spec.commandLine();
        ProducerOptions.check(commandLine, records >= 0, "--records must be >= 0: records=" + records);
        ProducerOptions.check(commandLine, durationNs == null || durationNs > 0,
            "--duration must be > 0: duration=" + durationNs + "ns");
        ProducerOptions.check(commandLine, consumers >= 1 && consumers <= 1024,
            "--consumers must be 1..1024: consumers=" + consumers);
        final long duration = durationNs != null ? durationNs : (output.quick ? QUICK_DURATION_NS : 0);
        final ConsumeSpec load = new ConsumeSpec(bootstrap, topic, records, duration, consumers, group,
            Map.copyOf(properties));
        final RunReport report = new RunReport("consume", Instant.now());
        report.config().put("bootstrap", bootstrap);
        report.config().put("topic", topic);
        report.config().put("records", records);
        report.config().put("durationSec", duration / 1e9);
        report.config().put("consumers", consumers);
        report.config().put("group", group);
        report.config().put("properties", properties);
        final LoadProgress progress = new LoadProgress();
        final LoadResult result;
        try (ProgressPrinter printer = ProgressPrinter.start(commandLine.getErr(), output.progressIntervalNs)) {
            printer.step("consume from " + bootstrap + " topic " + topic, progress, duration);
            result = ConsumeLoad.run(load, progress);
        }
        report.addSample(RunReport.loadSample(result));
        Results.printLoad(commandLine.getOut(), "consume", result);
        commandLine.getOut().println("report: " + report.write(output.out));
        commandLine.getOut().flush();
        return result.records() > 0 ? 0 : KeelPerf.EXIT_FAILED;
    }
}
