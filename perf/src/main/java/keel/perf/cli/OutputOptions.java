package keel.perf.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Options every measuring command shares: where the JSON (and charts) go, progress, quick mode.
 */
final class OutputOptions {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "perf-results",
        description = "Directory for the JSON report (and charts) of the run (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "5s",
        converter = Converters.DurationNs.class,
        description = "How often to print progress on stderr; 0s for never (default: ${DEFAULT-VALUE}).")
    long progressIntervalNs;

    @Option(names = "--quick", description = "A short smoke run (seconds, not minutes).")
    boolean quick;
}
