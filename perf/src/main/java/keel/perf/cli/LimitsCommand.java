package keel.perf.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import keel.perf.load.MachineLimits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code limits}: the machine's ceilings for moving bytes the ways a log server does.
 */
@Command(name = "limits", mixinStandardHelpOptions = true,
    description = "Measure the machine's ceilings over the same byte volume: memcpy into a file mapping, buffered "
        + "write with fdatasync, page-cache read, sendfile to a loopback socket, loopback TCP.")
final class LimitsCommand implements Callable<Integer> {

    static final long QUICK_VOLUME_BYTES = 256L << 20;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--volume", defaultValue = "1GiB", converter = Converters.Size.class, paramLabel = "SIZE",
        description = "Bytes each measure moves, a multiple of 1 MiB (default: ${DEFAULT-VALUE}, 256MiB with "
            + "--quick).")
    private long volumeBytes;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Directory on the file system to measure (default: java.io.tmpdir).")
    private Path directory;

    @CommandLine.Mixin
    private final OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        final CommandLine commandLine = spec.commandLine();
        final long volume = output.quick && !commandLine.getParseResult().hasMatchedOption("--volume")
            ? QUICK_VOLUME_BYTES : volumeBytes;
        ProducerOptions.check(commandLine, volume >= MachineLimits.CHUNK_BYTES && volume % MachineLimits.CHUNK_BYTES
            == 0, "--volume must be a positive multiple of 1MiB: volume=" + volume);
        final Path dir = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
        ProducerOptions.check(commandLine, Files.isDirectory(dir), "--dir is not a directory: dir=" + dir);
        final RunReport report = new RunReport("limits", Instant.now());
        report.config().put("volumeBytes", volume);
        report.config().put("directory", dir.toString());
        report.config().put("fileSystem", Files.getFileStore(dir).type());
        final List<MachineLimits.Limit> limits;
        try (ProgressPrinter printer = ProgressPrinter.start(commandLine.getErr(), 0)) {
            limits = MachineLimits.measure(dir, volume, (name, index) ->
                printer.step("[" + (index + 1) + "/5] " + name + " " + (volume >> 20) + " MiB", null, 0));
        }
        final TextTable table = new TextTable("limit", "MiB", "seconds", "MB/s");
        for (final MachineLimits.Limit limit : limits) {
            table.row(limit.name(), Long.toString(limit.bytes() >> 20), String.format(java.util.Locale.ROOT, "%.3f",
                limit.elapsedNs() / 1e9), Results.decimal(limit.mbPerSec()));
            final Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("name", limit.name());
            sample.put("bytes", limit.bytes());
            sample.put("elapsedSec", limit.elapsedNs() / 1e9);
            sample.put("mbPerSec", limit.mbPerSec());
            report.addSample(sample);
        }
        table.print(commandLine.getOut());
        commandLine.getOut().println("file system: " + report.config().get("fileSystem") + " at " + dir);
        commandLine.getOut().println("report: " + report.write(output.out));
        commandLine.getOut().flush();
        return 0;
    }
}
