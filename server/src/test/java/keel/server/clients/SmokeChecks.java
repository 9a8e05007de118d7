package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import keel.server.TestBroker;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * What every client smoke test checks of a child's output: the records read back, in order, with their contents.
 */
final class SmokeChecks {
    /** Broker overrides for group tests: an empty group's first join completes without Kafka's 3 s wait. */
    static final Map<String, String> GROUP_BROKER = Map.of("group.initial.rebalance.delay.ms", "0");
    /** Records a group driver writes before its first consumer, and after it (over a topic's 2 partitions). */
    static final int GROUP_FIRST = 100;
    static final int GROUP_SECOND = 20;

    private static final List<ApiKeys> GROUP_APIS = List.of(ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
        ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE);

    private SmokeChecks() {
    }

    /**
     * Asserts that the child succeeded, that its first consumer in the group read each of the first
     * {@link #GROUP_FIRST} records exactly once ("REC1 key-I value-I"), and that the second consumer, in the same group
     * after the first one's commit, read exactly the {@link #GROUP_SECOND} records written after it ("REC2"): nothing
     * committed was delivered again.
     */
    static void assertConsumedThroughGroup(final ChildProcess child) {
        assertConsumedThroughGroup(child, child);
    }

    /**
     * {@link #assertConsumedThroughGroup(ChildProcess)} when each consumer is its own child.
     */
    static void assertConsumedThroughGroup(final ChildProcess first, final ChildProcess second) {
        assertEquals(0, first.exitCode(), first::describe);
        assertEquals(0, second.exitCode(), second::describe);
        assertEquals(keyValues(0, GROUP_FIRST), sorted(first.linesStartingWith("REC1")), first::describe);
        assertEquals(keyValues(GROUP_FIRST, GROUP_FIRST + GROUP_SECOND), sorted(second.linesStartingWith("REC2")),
            second::describe);
    }

    /**
     * @return "API versions" for each group API the broker has been sent, e.g. "JoinGroup 5, SyncGroup 3", as the
     *     tested-clients table of docs/broker.md lists them; also printed to the test output.
     */
    static String groupVersions(final TestBroker broker, final String client) {
        final StringJoiner joiner = new StringJoiner(", ");
        for (final ApiKeys api : GROUP_APIS) {
            final List<Integer> versions = broker.server().requestVersions().seen(api);
            if (!versions.isEmpty()) {
                final StringJoiner list = new StringJoiner(" and ");
                versions.forEach(v -> list.add(Integer.toString(v)));
                joiner.add(api.name + " " + list);
            }
        }
        System.out.println("Group API versions used by " + client + ": " + joiner);
        return joiner.toString();
    }

    private static List<String> keyValues(final int from, final int to) {
        final List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add("key-" + i + " value-" + i);
        }
        return sorted(lines);
    }

    private static List<String> sorted(final List<String> lines) {
        return lines.stream().sorted().toList();
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
