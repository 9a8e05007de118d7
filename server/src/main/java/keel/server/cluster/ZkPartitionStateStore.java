package keel.server.cluster;

import keel.replication.PartitionStateStore;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * The replication module's {@link PartitionStateStore} over ZooKeeper: a leader's ISR change is an asynchronous
 * {@code setData} of the partition's state znode, conditional on the partition epoch the leader proposes from (the
 * znode version), so it never blocks the caller's thread. The controller epoch written is the one of the state the
 * broker's view last applied (the leader keeps it, as Kafka's leaders do). Outcomes: {@link ReplicationError#NONE}
 * with the committed state; {@link ReplicationError#FENCED_LEADER_EPOCH} when the view already holds a newer leader
 * epoch; {@link ReplicationError#INVALID_UPDATE_VERSION} when the znode's version differs (or the view has no state
 * for the partition, or the znode is gone); {@link ReplicationError#NETWORK_EXCEPTION} when ZooKeeper could not be
 * reached. Each callback is called exactly once, on Curator's event thread or the caller's. Thread-safe.
 */
public final class ZkPartitionStateStore implements PartitionStateStore {
    private final CuratorFramework zk;
    private final ZkClusterView view;

    /**
     * @param zk   a started client.
     * @param view this broker's view (for the leader epoch and controller epoch it last applied).
     */
    public ZkPartitionStateStore(final CuratorFramework zk, final ZkClusterView view) {
        this.zk = zk;
        this.view = view;
    }

    @Override
    public void tryUpdateIsr(final TopicPartition partition, final keel.replication.LeaderAndIsr proposed,
                             final IsrUpdateCallback callback) {
        final LeaderAndIsr seen = view.state(partition.topic(), partition.partition());
        if (seen == null) {
            callback.onIsrUpdate(ReplicationError.INVALID_UPDATE_VERSION, null);
            return;
        }
        if (seen.leaderEpoch() > proposed.leaderEpoch()) {
            callback.onIsrUpdate(ReplicationError.FENCED_LEADER_EPOCH, null);
            return;
        }
        final LeaderAndIsr written = new LeaderAndIsr(proposed.leader(), proposed.leaderEpoch(), proposed.isr(),
            seen.controllerEpoch(), proposed.partitionEpoch());
        try {
            zk.setData().withVersion(proposed.partitionEpoch()).inBackground((client, event) -> {
                final int code = event.getResultCode();
                if (code == KeeperException.Code.OK.intValue()) {
                    callback.onIsrUpdate(ReplicationError.NONE, new keel.replication.LeaderAndIsr(proposed.leader(),
                        proposed.leaderEpoch(), proposed.isr(), event.getStat().getVersion()));
                } else if (code == KeeperException.Code.BADVERSION.intValue()
                    || code == KeeperException.Code.NONODE.intValue()) {
                    callback.onIsrUpdate(ReplicationError.INVALID_UPDATE_VERSION, null);
                } else {
                    callback.onIsrUpdate(ReplicationError.NETWORK_EXCEPTION, null);
                }
            }).forPath(ZkPaths.state(partition.topic(), partition.partition()), written.toJson());
        } catch (final Exception ex) {
            // Curator failed to queue the request (client closed): nothing was written
            callback.onIsrUpdate(ReplicationError.NETWORK_EXCEPTION, null);
        }
    }
}
