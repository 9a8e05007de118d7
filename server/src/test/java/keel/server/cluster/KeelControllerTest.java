package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import keel.log.testing.Await;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KeelControllerTest {
    private static final long WAIT_MS = 20_000;

    private TestingServer server;
    private CuratorFramework admin;
    private final List<TestNode> nodes = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        admin = ZkTesting.client(server);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (final TestNode node : nodes) {
            node.close();
        }
        admin.close();
        server.close();
    }

    private TestNode start(final int id, final boolean unclean) throws Exception {
        final TestNode node = TestNode.start(server, id, unclean);
        nodes.add(node);
        return node;
    }

    private void startThree(final boolean unclean) throws Exception {
        start(1, unclean);
        start(2, unclean);
        start(3, unclean);
        awaitOneController();
    }

    private TestNode awaitOneController() {
        Await.await(() -> nodes.stream().filter(n -> n.controller.isActive()).count() == 1, WAIT_MS,
            () -> "exactly one active controller");
        return nodes.stream().filter(n -> n.controller.isActive()).findFirst().orElseThrow();
    }

    private LeaderAndIsr awaitState(final String topic, final int partition, final Predicate<LeaderAndIsr> check) {
        final ZkIsrStore store = new ZkIsrStore(admin);
        Await.await(() -> {
            final LeaderAndIsr state = store.read(topic, partition);
            return state != null && check.test(state);
        }, WAIT_MS, () -> topic + "-" + partition + " state, last " + store.read(topic, partition));
        return store.read(topic, partition);
    }

    private int controllerEpochZnode() throws Exception {
        return Integer.parseInt(new String(admin.getData().forPath(ZkPaths.CONTROLLER_EPOCH),
            StandardCharsets.UTF_8));
    }

    @Test
    void shouldElectExactlyOneControllerWithEpochOneWhenBrokersStart() throws Exception {
        startThree(false);
        final TestNode controller = awaitOneController();
        assertEquals(1, controller.controller.epoch());
        assertEquals(1, controllerEpochZnode());
        Await.await(() -> controller.view.controllerId() == controller.id, WAIT_MS, () -> "view sees controller");
    }

    @Test
    void shouldElectNewControllerWithHigherEpochWhenControllerDies() throws Exception {
        startThree(false);
        final TestNode first = awaitOneController();
        first.kill();
        nodes.remove(first);
        final TestNode second = awaitOneController();
        assertTrue(second.id != first.id);
        assertEquals(2, second.controller.epoch());
        assertEquals(2, controllerEpochZnode());
    }

    @Test
    void shouldRejectWritesOfDeposedControllerWhenNewerEpochExists() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 1, 3, 0);
        final LeaderAndIsr before = awaitState("t", 0, s -> s.leader() == 1);
        final TestNode first = awaitOneController();
        final int staleEpochZkVersion = first.controller.epochZkVersion();
        first.kill();
        nodes.remove(first);
        final TestNode second = awaitOneController();
        assertEquals(2, second.controller.epoch());
        // the dead broker was a replica: the new controller rewrites the state once (new leader or smaller ISR)
        final LeaderAndIsr current = awaitState("t", 0, s -> s.controllerEpoch() == 2);

        // the old controller resumes (SIGCONT) and, through a new session as Curator would open, writes its decision
        try (CuratorFramework resumed = ZkTesting.client(server)) {
            final LeaderAndIsr stale = new LeaderAndIsr(3, current.leaderEpoch() + 1, List.of(3), 1,
                current.partitionEpoch());
            assertEquals(ControllerWrites.CONTROLLER_MOVED,
                ControllerWrites.writeState(resumed, staleEpochZkVersion, "t", 0, stale));
        }
        assertEquals(current, new ZkIsrStore(admin).read("t", 0));
        assertTrue(before.partitionEpoch() <= current.partitionEpoch());
    }

    @Test
    void shouldAssignRoundRobinAndLeadWithFirstReplicaWhenTopicCreated() throws Exception {
        startThree(false);
        final TopicAssignment assignment = new ZkTopicAdmin(admin).createTopic("t", 3, 2, 0);
        assertEquals(List.of(List.of(1, 2), List.of(2, 3), List.of(3, 1)), assignment.partitions());
        for (int p = 0; p < 3; p++) {
            final LeaderAndIsr state = awaitState("t", p, s -> true);
            assertEquals(assignment.partitions().get(p).get(0), state.leader());
            assertEquals(assignment.partitions().get(p), state.isr());
            assertEquals(0, state.leaderEpoch());
            assertEquals(1, state.controllerEpoch());
        }
    }

    @Test
    void shouldElectLeaderFromIsrAndBumpEpochWhenLeaderDies() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 1, 3, 0);
        final LeaderAndIsr before = awaitState("t", 0, s -> s.leader() == 1);
        // broker 3 fell out of the ISR (the leader's conditional write)
        assertTrue(new ZkIsrStore(admin).tryUpdateIsr("t", 0, before, List.of(1, 2)) != null);

        nodes.get(0).kill();

        final LeaderAndIsr after = awaitState("t", 0, s -> s.leader() != 1);
        assertEquals(2, after.leader());
        assertEquals(List.of(2), after.isr());
        assertEquals(before.leaderEpoch() + 1, after.leaderEpoch());
    }

    @Test
    void shouldLeavePartitionOfflineWhenNoIsrMemberLivesAndUncleanDisabled() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 1, 3, 0);
        final LeaderAndIsr before = awaitState("t", 0, s -> s.leader() == 1);
        assertTrue(new ZkIsrStore(admin).tryUpdateIsr("t", 0, before, List.of(1)) != null);

        nodes.get(0).kill();

        final LeaderAndIsr after = awaitState("t", 0, s -> s.leader() != 1);
        assertEquals(LeaderAndIsr.NO_LEADER, after.leader());
        assertEquals(List.of(1), after.isr());
    }

    @Test
    void shouldElectOutOfSyncReplicaWhenUncleanElectionEnabled() throws Exception {
        startThree(true);
        new ZkTopicAdmin(admin).createTopic("t", 1, 3, 0);
        final LeaderAndIsr before = awaitState("t", 0, s -> s.leader() == 1);
        assertTrue(new ZkIsrStore(admin).tryUpdateIsr("t", 0, before, List.of(1)) != null);

        nodes.get(0).kill();

        final LeaderAndIsr after = awaitState("t", 0, s -> s.leader() != 1);
        assertEquals(2, after.leader());
        assertEquals(List.of(2), after.isr());
    }

    @Test
    void shouldMoveLeadershipsAwayBeforeControlledShutdown() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 3, 3, 0);
        for (int p = 0; p < 3; p++) {
            awaitState("t", p, s -> s.isr().size() == 3);
        }
        final TestNode stopping = nodes.get(0);
        Await.await(() -> !stopping.view.movableLeaderships(1).isEmpty(), WAIT_MS, () -> "view of partitions");

        assertTrue(ControlledShutdown.run(stopping.client, 1, stopping.view, WAIT_MS));

        for (int p = 0; p < 3; p++) {
            final LeaderAndIsr state = awaitState("t", p, s -> !s.isr().contains(1));
            assertTrue(state.leader() == 2 || state.leader() == 3, "leader of t-" + p + ": " + state);
        }
    }

    @Test
    void shouldDeleteStatesAndAssignmentWhenTopicDeletionRequested() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 2, 2, 0);
        awaitState("t", 1, s -> true);
        final TestNode node = nodes.get(0);

        assertTrue(new ZkTopicAdmin(admin).deleteTopic("t"));

        Await.await(() -> {
            try {
                return admin.checkExists().forPath(ZkPaths.topic("t")) == null
                    && admin.getChildren().forPath(ZkPaths.DELETE_TOPICS).isEmpty();
            } catch (final Exception ex) {
                return false;
            }
        }, WAIT_MS, () -> "topic deleted");
        Await.await(() -> node.events().contains("t-1 deleted"), WAIT_MS, () -> "brokers told: " + node.events());
        assertNull(node.view.partition("t", 0));
        assertFalse(new ZkTopicAdmin(admin).deleteTopic("t"));
    }

    @Test
    void shouldCreateStatesForAddedPartitionsWhenPartitionsIncreased() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 1, 2, 0);
        awaitState("t", 0, s -> true);

        final TopicAssignment grown = new ZkTopicAdmin(admin).createPartitions("t", 3, 0);

        assertEquals(3, grown.partitions().size());
        final LeaderAndIsr added = awaitState("t", 2, s -> true);
        assertEquals(grown.partitions().get(2).get(0), added.leader());
    }

    @Test
    void shouldGiveLeadershipBackWhenOfflinePartitionsLastLeaderReturns() throws Exception {
        startThree(false);
        new ZkTopicAdmin(admin).createTopic("t", 1, 3, 0);
        final LeaderAndIsr before = awaitState("t", 0, s -> s.leader() == 1);
        assertTrue(new ZkIsrStore(admin).tryUpdateIsr("t", 0, before, List.of(1)) != null);
        nodes.get(0).kill();
        nodes.remove(0);
        awaitState("t", 0, s -> s.leader() == LeaderAndIsr.NO_LEADER);

        start(1, false);

        final LeaderAndIsr back = awaitState("t", 0, s -> s.leader() == 1);
        assertEquals(List.of(1), back.isr());
        assertEquals(before.leaderEpoch() + 2, back.leaderEpoch());
    }

    private LeaderAndIsr decide(final LeaderAndIsr current, final List<Integer> replicas, final Set<Integer> live,
                                final Set<Integer> shuttingDown) {
        return decide(current, replicas, live, shuttingDown, Set.of());
    }

    private LeaderAndIsr decide(final LeaderAndIsr current, final List<Integer> replicas, final Set<Integer> live,
                                final Set<Integer> shuttingDown, final Set<Integer> bounced) {
        // the election rules are pure: a controller that never starts does not touch ZooKeeper
        final KeelController controller = new KeelController(admin, 9, false, keel.log.Time.SYSTEM);
        try {
            return controller.decide(current, replicas, live, shuttingDown, bounced);
        } finally {
            controller.close();
        }
    }

    @Test
    void shouldElectAnotherIsrMemberWhenLeaderRegisteredAgainSinceTheState() {
        final LeaderAndIsr next = decide(new LeaderAndIsr(1, 4, List.of(1, 2, 3), 1, 6), List.of(1, 2, 3),
            Set.of(1, 2, 3), Set.of(), Set.of(1));

        assertEquals(2, next.leader());
        assertEquals(List.of(2, 3), next.isr(), "the restarted broker may have lost its tail: out of the ISR");
        assertEquals(5, next.leaderEpoch());
    }

    @Test
    void shouldDropRestartedFollowerFromIsrWhenLeaderStays() {
        final LeaderAndIsr next = decide(new LeaderAndIsr(1, 4, List.of(1, 2, 3), 1, 6), List.of(1, 2, 3),
            Set.of(1, 2, 3), Set.of(), Set.of(3));

        assertEquals(1, next.leader());
        assertEquals(List.of(1, 2), next.isr());
        assertEquals(5, next.leaderEpoch());
    }

    @Test
    void shouldElectRestartedLeaderAtNewEpochWhenItIsTheOnlyReplica() {
        final LeaderAndIsr next = decide(new LeaderAndIsr(1, 4, List.of(1), 1, 6), List.of(1), Set.of(1), Set.of(),
            Set.of(1));

        assertEquals(1, next.leader());
        assertEquals(List.of(1), next.isr());
        assertEquals(5, next.leaderEpoch());
    }

    @Test
    void shouldKeepStoppingLeaderWhenNoOtherIsrMemberLives() {
        assertNull(decide(new LeaderAndIsr(1, 3, List.of(1), 1, 5), List.of(1, 2), Set.of(1, 2), Set.of(1)));
    }

    @Test
    void shouldRemoveStoppingFollowerFromIsrWithNewLeaderEpoch() {
        final LeaderAndIsr next = decide(new LeaderAndIsr(1, 3, List.of(1, 2), 1, 5), List.of(1, 2), Set.of(1, 2),
            Set.of(2));

        assertEquals(1, next.leader());
        assertEquals(List.of(1), next.isr());
        assertEquals(4, next.leaderEpoch());
        assertEquals(5, next.partitionEpoch());
    }

    @Test
    void shouldElectFirstLiveIsrMemberInAssignmentOrderWhenLeaderDies() {
        final LeaderAndIsr next = decide(new LeaderAndIsr(1, 0, List.of(1, 2, 3), 1, 0), List.of(1, 3, 2),
            Set.of(2, 3), Set.of());

        assertEquals(3, next.leader());
        assertEquals(List.of(2, 3), next.isr());
    }

    @Test
    void shouldNotChangeHealthyPartition() {
        assertNull(decide(new LeaderAndIsr(2, 7, List.of(2, 1), 1, 9), List.of(1, 2), Set.of(1, 2), Set.of()));
    }
}
