package keel.perf.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark forks' flags must keep up with the root pom's {@code keel.jvm.flags}, which annotations cannot read.
 */
class EngineBenchmarkTest {
    private static final Pattern FLAGS = Pattern.compile("<keel\\.jvm\\.flags>(.*)</keel\\.jvm\\.flags>");

    @Test
    void shouldForkWithEveryKeelJvmFlagWhenTheRootPomChanges() throws IOException {
        final String pom = Files.readString(rootPom());
        final Matcher matcher = FLAGS.matcher(pom);
        assertTrue(matcher.find(), "no keel.jvm.flags property in " + rootPom());
        final List<String> forked = Arrays.asList(EngineBenchmark.FLAGS);
        final String[] words = matcher.group(1).trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            final String flag = words[i].startsWith("--add-") ? words[i] + "=" + words[++i] : words[i];
            assertTrue(forked.contains(flag), "EngineBenchmark does not fork with " + flag + " of keel.jvm.flags");
        }
    }

    private static Path rootPom() {
        final Path here = Paths.get("").toAbsolutePath();
        final Path inModule = here.resolve("../pom.xml").normalize();
        return Files.exists(here.resolve("perf")) ? here.resolve("pom.xml") : inModule;
    }
}
