package keel.server.group;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCoordinatorConcurrencyTest {
    private static final int THREADS = 4;
    private static final int GROUPS_PER_THREAD = 25;
    private static final int COMMITS = 40;

    @TempDir
    Path tempDir;

    /**
     * Threads commit to their own groups while snapshots of the shared partition run on whichever thread crosses
     * the size threshold: every acknowledged commit must be the answer, before and after a reload.
     */
    @Test
    @Timeout(60)
    void shouldKeepEveryAcknowledgedCommitWhenThreadsCommitWhileSnapshotsRun() throws Exception {
        try (GroupFixture fixture = new GroupFixture(tempDir, GroupFixture.testConfig()
            .with(GroupConfig.OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG, 32 * 1024), GroupFixture.testLogConfig())) {
            final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
            try {
                final List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    final int thread = t;
                    futures.add(executor.submit(() -> commitMany(fixture.coordinator, thread)));
                }
                for (final Future<?> future : futures) {
                    future.get(30, TimeUnit.SECONDS);
                }
            } finally {
                executor.shutdownNow();
                assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
            }

            assertTrue(fixture.coordinator.snapshotCount(0) > 0);
            assertLastCommits(fixture.coordinator);
            fixture.restart();
            assertLastCommits(fixture.coordinator);
        }
    }

    private static void commitMany(final GroupCoordinator coordinator, final int thread) {
        for (int commit = 0; commit < COMMITS; commit++) {
            for (int g = 0; g < GROUPS_PER_THREAD; g++) {
                final Captured<PartitionErrors> result = new Captured<>();
                coordinator.commitOffsets(new OffsetCommitRequest("group-" + thread + "-" + g, -1, "", null,
                    Map.of(new OffsetKey("events", g % 4), OffsetAndMetadata.of(commit, -1, "t" + thread))), result);
                assertEquals(GroupErrors.NONE, result.get().partitions().values().iterator().next());
            }
        }
    }

    private static void assertLastCommits(final GroupCoordinator coordinator) {
        for (int t = 0; t < THREADS; t++) {
            for (int g = 0; g < GROUPS_PER_THREAD; g++) {
                final OffsetKey key = new OffsetKey("events", g % 4);
                final OffsetFetchResult fetched = coordinator.fetchOffsets("group-" + t + "-" + g, List.of(key));
                assertEquals(COMMITS - 1L, fetched.offsets().get(key).offset(), "group-" + t + "-" + g);
            }
        }
    }
}
