package keel.perf.cli;

import java.io.PrintWriter;
import java.util.Locale;

import keel.perf.load.LoadResult;
import keel.perf.stats.LatencySummary;

/**
 * Formatting of load results for the human table. Stateless, thread-safe.
 */
final class Results {

    private Results() {
    }

    static String number(final double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String decimal(final double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String ms(final double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(final double value) {
        return String.format(Locale.ROOT, "%.2fx", value);
    }

    static void printLoad(final PrintWriter out, final String what, final LoadResult result) {
        final LatencySummary latency = result.latency();
        final TextTable table = new TextTable("result", "records", "errors", "seconds", "records/s", "MB/s",
            "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
        table.row(what, number(result.records()), number(result.errors()), String.format(Locale.ROOT, "%.2f",
                result.elapsedSec()), number(result.recordsPerSec()), decimal(result.mbPerSec()),
            latency.count() == 0 ? "-" : ms(latency.p50Ms()), latency.count() == 0 ? "-" : ms(latency.p90Ms()),
            latency.count() == 0 ? "-" : ms(latency.p99Ms()), latency.count() == 0 ? "-" : ms(latency.p999Ms()),
            latency.count() == 0 ? "-" : ms(latency.maxMs()));
        table.print(out);
    }
}
