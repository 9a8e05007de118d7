package keel.perf.cli;

import java.time.Instant;
import java.util.concurrent.Callable;

import keel.perf.load.LoadProgress;
import keel.perf.load.LoadResult;
import keel.perf.load.ProduceLoad;
import keel.perf.load.ProduceSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code produce}: throughput and send-to-ack latency of producers against any bootstrap address.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Send records and report records/s, MB/s and send-to-ack latency percentiles.")
final class ProduceCommand implements Callable<Integer> {

    static final long DEFAULT_DURATION_NS = 30_000_000_000L;
    static final long QUICK_DURATION_NS = 5_000_000_000L;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private final ProducerOptions producer = new ProducerOptions();

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        final ProduceSpec load = producer.toSpec(spec.commandLine(), output.quick, DEFAULT_DURATION_NS,
            QUICK_DURATION_NS);
        final RunReport report = new RunReport("produce", Instant.now());
        report.config().putAll(ProducerOptions.describe(load));
        final LoadProgress progress = new LoadProgress();
        final LoadResult result;
        try (ProgressPrinter printer = ProgressPrinter.start(spec.commandLine().getErr(), output.progressIntervalNs)) {
            printer.step("produce to " + load.bootstrap() + " topic " + load.topic(), progress, load.durationNs());
            result = ProduceLoad.run(load, progress);
        }
        report.addSample(RunReport.loadSample(result));
        Results.printLoad(spec.commandLine().getOut(), "produce", result);
        spec.commandLine().getOut().println("report: " + report.write(output.out));
        spec.commandLine().getOut().flush();
        return result.records() > 0 ? 0 : KeelPerf.EXIT_FAILED;
    }
}
