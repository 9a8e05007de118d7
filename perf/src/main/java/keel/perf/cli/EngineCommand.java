package keel.perf.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.Callable;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engine}: the JMH benchmarks of the storage engine (classes in {@value #PACKAGE}), with defaults sized
 * for a small machine.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
    description = "Run the engine's JMH benchmarks (keel.perf.engine.*) with defaults sane for 2 cores.")
final class EngineCommand implements Callable<Integer> {

    static final String PACKAGE = "keel.perf.engine";
    static final String BENCHMARK_LIST = "META-INF/BenchmarkList";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--include", defaultValue = "", paramLabel = "REGEX",
        description = "Only benchmarks whose name (after keel.perf.engine.) matches this regex.")
    private String include;

    @Option(names = "--forks", defaultValue = "1", description = "JMH forks (default: ${DEFAULT-VALUE}).")
    private int forks;

    @Option(names = "--warmup-iterations", defaultValue = "3", description = "(default: ${DEFAULT-VALUE}).")
    private int warmupIterations;

    @Option(names = "--iterations", defaultValue = "5", description = "(default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--iteration-time", defaultValue = "2s", converter = Converters.DurationNs.class,
        description = "Time per iteration (default: ${DEFAULT-VALUE}).")
    private long iterationNs;

    @Option(names = "--prof", paramLabel = "PROFILER", description = "A JMH profiler, e.g. gc.")
    private String profiler;

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        final CommandLine commandLine = spec.commandLine();
        ProducerOptions.check(commandLine, forks >= 0 && warmupIterations >= 0 && iterations >= 1,
            "--forks and --warmup-iterations must be >= 0 and --iterations >= 1");
        try {
            java.util.regex.Pattern.compile(include);
        } catch (final java.util.regex.PatternSyntaxException e) {
            throw new CommandLine.ParameterException(commandLine, "--include is not a regex: include=" + include);
        }
        final List<String> benchmarks = engineBenchmarks(include);
        if (benchmarks.isEmpty()) {
            commandLine.getErr().println("keel-perf engine: no JMH benchmarks named " + PACKAGE + ".*"
                + (include.isEmpty() ? "" : " matching --include " + include) + " on the classpath (none in any "
                + BENCHMARK_LIST + "); build the perf module with the engine benchmarks first");
            commandLine.getErr().flush();
            return KeelPerf.EXIT_FAILED;
        }
        final boolean quick = output.quick;
        final String regex = "^\\Q" + PACKAGE + ".\\E" + (include.isEmpty() ? "" : ".*" + include) + ".*";
        java.nio.file.Files.createDirectories(output.out);
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include(regex)
            .forks(quick ? 1 : forks)
            .threads(1)
            .warmupIterations(quick ? 1 : warmupIterations)
            .warmupTime(TimeValue.milliseconds(quick ? 500 : iterationNs / 1_000_000))
            .measurementIterations(quick ? 2 : iterations)
            .measurementTime(TimeValue.milliseconds(quick ? 500 : iterationNs / 1_000_000))
            .shouldFailOnError(true)
            .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
            .result(output.out.resolve("engine-jmh.json").toString());
        if (profiler != null) {
            options.addProfiler(profiler);
        }
        commandLine.getErr().println("keel-perf engine: " + benchmarks.size() + " benchmark(s) match " + PACKAGE
            + ".*; JMH results go to " + output.out.resolve("engine-jmh.json"));
        new Runner(options.build()).run();
        return 0;
    }

    static List<String> engineBenchmarks(final String includeRegex) throws IOException {
        final java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(includeRegex);
        final List<String> names = new ArrayList<>();
        final Enumeration<URL> lists = EngineCommand.class.getClassLoader().getResources(BENCHMARK_LIST);
        while (lists.hasMoreElements()) {
            try (InputStream in = lists.nextElement().openStream()) {
                for (final String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    // Each line of JMH's BenchmarkList is one benchmark method, its class's full name among its
                    // fields: a line mentioning the package is a benchmark of that package.
                    if (line.contains(PACKAGE + ".") && pattern.matcher(line).find()) {
                        names.add(line);
                    }
                }
            }
        }
        return names;
    }
}
