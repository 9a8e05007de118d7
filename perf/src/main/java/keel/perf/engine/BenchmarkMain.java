package keel.perf.engine;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs one benchmark class from an IDE with the annotations' settings, failing on the first error.
 */
final class BenchmarkMain {
    private BenchmarkMain() {
    }

    static void run(final Class<?> benchmark) throws RunnerException {
        new Runner(new OptionsBuilder()
            .include(benchmark.getName())
            .shouldFailOnError(true)
            .build()).run();
    }
}
