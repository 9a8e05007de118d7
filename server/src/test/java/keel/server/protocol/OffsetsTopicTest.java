package keel.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import keel.log.Time;
import keel.log.testing.Await;
import keel.server.TestBroker;
import keel.server.group.GroupConfig;
import keel.server.group.GroupCoordinator;
import keel.server.group.GroupErrors;
import keel.server.group.ScheduledTimer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offsets topic's creation and the load state its groups see, with a loader thread the test holds back.
 */
@Timeout(60)
class OffsetsTopicTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerLoadInProgressUntilThePartitionIsLoadedWhenTheLoaderIsBusy() throws Exception {
        final GroupConfig config = GroupConfig.defaults().with(GroupConfig.OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG, 2)
            .with(GroupConfig.OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG, 1 << 20);
        final CountDownLatch release = new CountDownLatch(1);
        final ExecutorService loader = Executors.newSingleThreadExecutor();
        loader.execute(() -> {
            try {
                release.await();
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        try (TestBroker broker = new TestBroker(dataDir, Map.of()).start();
             ScheduledTimer timer = new ScheduledTimer("test-group-timer")) {
            final GroupCoordinator coordinator = new GroupCoordinator(config, Time.SYSTEM, timer);
            final OffsetsTopic offsets = new OffsetsTopic(broker.server().topics(), broker.server().topics(),
                coordinator, config, 1, null, loader);
            assertEquals(GroupErrors.COORDINATOR_NOT_AVAILABLE, offsets.status("g"), "before the topic exists");

            offsets.ensureCreated();

            assertEquals(GroupErrors.COORDINATOR_LOAD_IN_PROGRESS, offsets.status("g"));
            assertTrue(offsets.isLoading());
            release.countDown();
            Await.await(offsets::isLoaded, 30_000, () -> "never loaded");
            assertEquals(GroupErrors.NONE, offsets.status("g"));
            offsets.close();
            coordinator.close();
        } finally {
            release.countDown();
            loader.shutdownNow();
        }
    }
}
