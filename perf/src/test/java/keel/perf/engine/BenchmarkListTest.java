package keel.perf.engine;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkListEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The annotation processor must have generated JMH's benchmark list (on JDK 23+ it runs only from
 * annotationProcessorPaths, FACTS.md); without it the packaged jar runs nothing.
 */
class BenchmarkListTest {
    private static final Set<String> EXPECTED = Set.of(
        "keel.perf.engine.AppendBenchmark.append",
        "keel.perf.engine.MappedCopyBenchmark.copy",
        "keel.perf.engine.ChronicleQueueBenchmark.append",
        "keel.perf.engine.ReadBenchmark.read",
        "keel.perf.engine.OffsetIndexLookupBenchmark.lookup",
        "keel.perf.engine.RecoveryBenchmark.recover");

    @Test
    void shouldListEveryEngineBenchmarkWhenCompiled() throws IOException {
        final Set<String> listed = new HashSet<>();
        for (final String line : benchmarkList()) {
            if (!line.isBlank()) {
                listed.add(new BenchmarkListEntry(line).getUsername());
            }
        }
        assertEquals(EXPECTED, listed);
    }

    private static List<String> benchmarkList() throws IOException {
        try (InputStream in = BenchmarkListTest.class.getClassLoader().getResourceAsStream(
            "META-INF/BenchmarkList")) {
            assertNotNull(in, "META-INF/BenchmarkList is missing: the JMH annotation processor did not run");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
