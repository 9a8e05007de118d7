package keel.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import keel.replication.testing.SimulatedCluster;
import keel.replication.testing.SimulatedCluster.Node;
import keel.replication.testing.SimulatedCluster.Produce;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded randomized runs of a three-replica partition over a lossy, delaying, partitioning network: the invariants
 * are checked after every simulation step, and at the end every acknowledged record must be on every replica at
 * its acknowledged offset. Re-run a failing seed by putting it in the {@code ValueSource}.
 */
@Timeout(120)
class ReplicationSimulationTest {
    @TempDir
    Path dir;

    /** HW never ahead of what an ISR member holds, and never backwards on a running replica. */
    private static final class Invariants implements Runnable {
        private final SimulatedCluster cluster;
        private final long seed;
        private final Map<Node, Partition> incarnation = new HashMap<>();
        private final Map<Node, Long> lastHighWatermark = new HashMap<>();
        private long checks;

        Invariants(final SimulatedCluster cluster, final long seed) {
            this.cluster = cluster;
            this.seed = seed;
        }

        @Override
        public void run() {
            checks++;
            for (final Node node : cluster.nodes()) {
                if (!node.isUp()) {
                    continue;
                }
                final Partition p = node.partition();
                final long hw = p.highWatermark();
                if (incarnation.get(node) == p) {
                    final long last = lastHighWatermark.get(node);
                    if (hw < last) {
                        fail("seed=" + seed + ": high watermark of node " + node.id() + " went back from " + last
                            + " to " + hw + " in " + cluster);
                    }
                }
                incarnation.put(node, p);
                lastHighWatermark.put(node, hw);
                if (p.isLeader()) {
                    for (final int member : p.inSyncReplicas()) {
                        final Node m = cluster.node(member);
                        if (m.isUp() && m.log().logEndOffset() < hw) {
                            fail("seed=" + seed + ": leader " + node.id() + " high watermark " + hw
                                + " is ahead of ISR member " + member + "'s log end " + m.log().logEndOffset()
                                + " in " + cluster);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1L, 2L, 3L, 17L, 2026L})
    void shouldNeverLetHighWatermarkPassTheInSyncReplicasWhenNetworkLosesAndDelays(final long seed)
        throws Exception {
        final Random random = new Random(seed);
        try (SimulatedCluster cluster = new SimulatedCluster(Files.createDirectory(dir.resolve("hw")), 3, seed,
            ReplicaManagerTest.config(), 2).start()) {
            cluster.network().lossRate(0.05).delays(1, 20);
            final Invariants invariants = new Invariants(cluster, seed);
            for (int round = 0; round < 1000; round++) {
                final Node leader = cluster.leader();
                cluster.produce(leader.id(), random.nextBoolean() ? -1 : 1, cluster.nextValue(),
                    cluster.nextValue());
                if (random.nextInt(40) == 0) {
                    cluster.network().slow(1 + random.nextInt(3), random.nextInt(3) * 400L);
                }
                cluster.run(1 + random.nextInt(30), invariants);
            }
            assertTrue(invariants.checks > 300, "seed=" + seed + " checks=" + invariants.checks);
            assertTrue(cluster.leader().partition().highWatermark() > 1000, "seed=" + seed + " " + cluster);
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {7L, 11L, 99L, 1234L, 31337L})
    void shouldKeepEveryAcknowledgedRecordOnEveryReplicaWhenLeadersDieAndNetworkPartitions(final long seed)
        throws Exception {
        final Random random = new Random(seed);
        try (SimulatedCluster cluster = new SimulatedCluster(Files.createDirectory(dir.resolve("jepsen")), 3, seed,
            ReplicaManagerTest.config(), 2).start()) {
            cluster.network().lossRate(0.02).delays(1, 10);
            final Invariants invariants = new Invariants(cluster, seed);
            for (int round = 0; round < 400; round++) {
                final int action = random.nextInt(100);
                final Node leader = cluster.leader();
                if (action < 70) {
                    if (leader != null && leader.isUp()) {
                        cluster.produce(leader.id(), -1, cluster.nextValue(), cluster.nextValue());
                    }
                } else if (action < 75) {
                    if (leader != null && leader.isUp() && liveNodes(cluster) == 3) {
                        cluster.kill(leader.id());
                    }
                } else if (action < 78) {
                    final Node victim = cluster.node(1 + random.nextInt(3));
                    if (victim.isUp() && liveNodes(cluster) == 3) {
                        cluster.kill(victim.id());
                    }
                } else if (action < 86) {
                    for (final Node node : cluster.nodes()) {
                        if (!node.isUp()) {
                            cluster.restart(node.id());
                            break;
                        }
                    }
                } else if (action < 90) {
                    final int a = 1 + random.nextInt(3);
                    final int b = 1 + (a + random.nextInt(2)) % 3;
                    cluster.network().partition(a, b);
                } else if (action < 95) {
                    cluster.network().healAll();
                } else if (leader != null && leader.isUp() && random.nextBoolean()) {
                    // a controller-driven leader move to another live ISR member
                    cluster.electAnotherLeader();
                }
                cluster.run(1 + random.nextInt(60), invariants);
            }
            // heal everything and let the replicas converge
            cluster.network().healAll();
            cluster.network().lossRate(0);
            for (final Node node : cluster.nodes()) {
                if (!node.isUp()) {
                    cluster.restart(node.id());
                }
            }
            cluster.run(ReplicaManagerTest.config().replicaLagTimeMaxMs() * 3, invariants);
            assertEquals(List.of(1, 2, 3), cluster.state().isr(), "seed=" + seed + " " + cluster);
            checkAcknowledgedRecords(cluster, seed);
        }
    }

    private static int liveNodes(final SimulatedCluster cluster) {
        int live = 0;
        for (final Node node : cluster.nodes()) {
            live += node.isUp() ? 1 : 0;
        }
        return live;
    }

    private static void checkAcknowledgedRecords(final SimulatedCluster cluster, final long seed) {
        final List<String> expected = new ArrayList<>();
        int acknowledged = 0;
        for (final Produce produce : cluster.produces()) {
            if (produce.acknowledged()) {
                acknowledged++;
                for (int i = 0; i < produce.values().size(); i++) {
                    expected.add((produce.firstOffset() + i) + ":" + produce.values().get(i));
                }
            }
        }
        assertTrue(acknowledged > 20, "seed=" + seed + ": only " + acknowledged + " acknowledged produces");
        final List<String> reference = SimulatedCluster.records(cluster.leader().log());
        for (final Node node : cluster.nodes()) {
            final List<String> records = SimulatedCluster.records(node.log());
            assertEquals(reference, records, "seed=" + seed + ": node " + node.id() + " differs from the leader");
            final Map<String, Integer> seen = new HashMap<>();
            for (final String record : records) {
                final String value = record.substring(record.indexOf(':') + 1);
                seen.merge(value, 1, Integer::sum);
            }
            int previous = -1;
            for (final String record : expected) {
                final int at = records.indexOf(record);
                assertTrue(at >= 0, "seed=" + seed + ": acknowledged " + record + " missing on node " + node.id());
                assertEquals(1, seen.get(record.substring(record.indexOf(':') + 1)),
                    "seed=" + seed + ": " + record + " not exactly once on node " + node.id());
                assertTrue(at > previous, "seed=" + seed + ": " + record + " out of order on node " + node.id());
                previous = at;
            }
        }
    }
}
