package keel.server.cluster;

import java.util.ArrayList;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Every write the controller makes, each one a ZooKeeper multi-op whose first operation checks that
 * {@code /controller_epoch} still has the version this controller wrote when it took its epoch (as Kafka's
 * {@code KafkaZkClient} does). A controller that was deposed while paused (SIGSTOP, a long GC) and resumes cannot
 * change anything: its check fails and the result is {@link #CONTROLLER_MOVED}. Stateless: thread-safe.
 */
final class ControllerWrites {
    /** The write was applied. */
    static final int OK = 0;
    /** Another controller took a newer epoch: this one must stop acting as controller. */
    static final int CONTROLLER_MOVED = 1;
    /** The partition state changed since it was read (a leader's ISR change): re-read and decide again. */
    static final int CONFLICT = 2;

    private ControllerWrites() {
    }

    /**
     * Creates or updates a partition's state.
     *
     * @param zk             the client.
     * @param epochZkVersion the version of /controller_epoch written by this controller.
     * @param topic          the topic.
     * @param partition      the partition.
     * @param state          the new state; its partition epoch is the version it replaces, -1 to create it.
     * @return {@link #OK}, {@link #CONTROLLER_MOVED} or {@link #CONFLICT}.
     * @throws Exception on other ZooKeeper failures.
     */
    static int writeState(final CuratorFramework zk, final int epochZkVersion, final String topic,
                          final int partition, final LeaderAndIsr state) throws Exception {
        final List<CuratorOp> ops = new ArrayList<>(4);
        ops.add(zk.transactionOp().check().withVersion(epochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH));
        if (state.partitionEpoch() < 0) {
            if (zk.checkExists().forPath(ZkPaths.partitions(topic)) == null) {
                ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(ZkPaths.partitions(topic), new byte[0]));
            }
            if (zk.checkExists().forPath(ZkPaths.partition(topic, partition)) == null) {
                ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(ZkPaths.partition(topic, partition), new byte[0]));
            }
            ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                .forPath(ZkPaths.state(topic, partition), state.toJson()));
        } else {
            ops.add(zk.transactionOp().setData().withVersion(state.partitionEpoch())
                .forPath(ZkPaths.state(topic, partition), state.toJson()));
        }
        return run(zk, epochZkVersion, ops);
    }

    /**
     * Deletes a topic's assignment, partition states and deletion request in one transaction.
     *
     * @return {@link #OK}, {@link #CONTROLLER_MOVED} or {@link #CONFLICT} (the topic changed while deleting).
     * @throws Exception on other ZooKeeper failures.
     */
    static int deleteTopic(final CuratorFramework zk, final int epochZkVersion, final String topic)
        throws Exception {
        final List<CuratorOp> ops = new ArrayList<>();
        ops.add(zk.transactionOp().check().withVersion(epochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH));
        if (zk.checkExists().forPath(ZkPaths.partitions(topic)) != null) {
            for (final String p : zk.getChildren().forPath(ZkPaths.partitions(topic))) {
                final String partition = ZkPaths.partitions(topic) + "/" + p;
                for (final String child : zk.getChildren().forPath(partition)) {
                    ops.add(zk.transactionOp().delete().forPath(partition + "/" + child));
                }
                ops.add(zk.transactionOp().delete().forPath(partition));
            }
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.partitions(topic)));
        }
        if (zk.checkExists().forPath(ZkPaths.topic(topic)) != null) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.topic(topic)));
        }
        if (zk.checkExists().forPath(ZkPaths.topicConfig(topic)) != null) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.topicConfig(topic)));
        }
        ops.add(zk.transactionOp().delete().forPath(ZkPaths.DELETE_TOPICS + "/" + topic));
        return run(zk, epochZkVersion, ops);
    }

    private static int run(final CuratorFramework zk, final int epochZkVersion, final List<CuratorOp> ops)
        throws Exception {
        try {
            zk.transaction().forOperations(ops);
            return OK;
        } catch (final KeeperException.BadVersionException | KeeperException.NodeExistsException
                       | KeeperException.NoNodeException | KeeperException.NotEmptyException ex) {
            // Which operation failed? The epoch check is the one that matters: look at the znode itself.
            final Stat epoch = zk.checkExists().forPath(ZkPaths.CONTROLLER_EPOCH);
            return epoch == null || epoch.getVersion() != epochZkVersion ? CONTROLLER_MOVED : CONFLICT;
        }
    }
}
