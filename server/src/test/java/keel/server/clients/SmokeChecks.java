package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every client smoke test checks of a child's output: the records read back, in order, with their contents.
 */
final class SmokeChecks {
    private SmokeChecks() {
    }

    /**
     * @return the absolute path of a driver script under src/test/resources/clients.
     */
    static Path script(final String name) {
        return Path.of("src/test/resources/clients", name).toAbsolutePath();
    }

    /**
     * @return "OFFSET key-I value-I" for I in [0, count): the lines a driver prints after "REC" for a topic
     *     partition it filled with {@code count} records from offset 0.
     */
    static List<String> expectedRecords(final int count) {
        final List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(i + " key-" + i + " value-" + i);
        }
        return lines;
    }

    /**
     * Asserts that the child succeeded and read back exactly the records written, in offset order.
     */
    static void assertReadBack(final ChildProcess child, final int count) {
        assertEquals(0, child.exitCode(), child::describe);
        final List<String> expected = expectedRecords(count);
        final List<String> read = child.linesStartingWith("REC");
        for (int i = 0; i < Math.min(expected.size(), read.size()); i++) {
            assertEquals(expected.get(i), read.get(i), "record " + i + "; " + child.describe());
        }
        assertEquals(expected.size(), read.size(), child::describe);
    }
}
