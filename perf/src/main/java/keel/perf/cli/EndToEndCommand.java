package keel.perf.cli;

import java.time.Instant;
import java.util.concurrent.Callable;

import keel.perf.load.EndToEndLoad;
import keel.perf.load.LoadProgress;
import keel.perf.load.LoadResult;
import keel.perf.load.ProduceSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code e2e}: produce-to-consume latency at a fixed rate.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
    description = "End-to-end latency: produce at a fixed rate, consume in the same JVM, report percentiles of "
        + "the time from the scheduled send to the poll that returned the record.")
final class EndToEndCommand implements Callable<Integer> {

    static final long DEFAULT_DURATION_NS = 30_000_000_000L;
    static final long QUICK_DURATION_NS = 5_000_000_000L;
    static final double DEFAULT_RATE = 1000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private final ProducerOptions producer = new ProducerOptions();

    @Option(names = "--warmup", paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "Records scheduled in this first period are not recorded (default: 5s, 1s with --quick).")
    private Long warmupNs;

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        final CommandLine commandLine = spec.commandLine();
        ProduceSpec load = producer.toSpec(commandLine, output.quick, DEFAULT_DURATION_NS, QUICK_DURATION_NS);
        ProducerOptions.check(commandLine, load.recordSizeBytes() >= EndToEndLoad.MIN_RECORD_SIZE_BYTES,
            "--record-size must be at least " + EndToEndLoad.MIN_RECORD_SIZE_BYTES
                + " bytes for e2e (the send time is in the value): recordSize=" + load.recordSizeBytes());
        ProducerOptions.check(commandLine, load.producers() == 1, "e2e uses one producer: producers="
            + load.producers());
        ProducerOptions.check(commandLine, warmupNs == null || warmupNs >= 0, "--warmup must be >= 0");
        if (load.ratePerSec() == 0) {
            load = load.withRate(DEFAULT_RATE);
        }
        final long warmup = warmupNs != null ? warmupNs : (output.quick ? 1_000_000_000L : 5_000_000_000L);
        final RunReport report = new RunReport("e2e", Instant.now());
        report.config().putAll(ProducerOptions.describe(load));
        report.config().put("warmupSec", warmup / 1e9);
        final LoadProgress progress = new LoadProgress();
        final LoadResult result;
        try (ProgressPrinter printer = ProgressPrinter.start(commandLine.getErr(), output.progressIntervalNs)) {
            printer.step("e2e on " + load.bootstrap() + " topic " + load.topic() + " at " + Results.number(
                load.ratePerSec()) + " records/s", progress, load.durationNs() + warmup);
            result = EndToEndLoad.run(load, warmup, progress);
        }
        report.addSample(RunReport.loadSample(result));
        Results.printLoad(commandLine.getOut(), "e2e", result);
        commandLine.getOut().println("report: " + report.write(output.out));
        commandLine.getOut().flush();
        return result.records() > 0 ? 0 : KeelPerf.EXIT_FAILED;
    }
}
