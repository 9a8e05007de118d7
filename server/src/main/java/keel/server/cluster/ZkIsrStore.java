package keel.server.cluster;

import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The leader's side of ISR changes: it writes the new ISR into the partition's state znode conditionally on the
 * partition epoch (the znode version) it last saw. A failed write means the leader's view is stale (the controller
 * elected someone else or changed the ISR): the leader keeps its old ISR and learns the new state from the cluster
 * view. Stateless: thread-safe.
 */
public final class ZkIsrStore {
    private final CuratorFramework zk;

    /**
     * @param zk a started client.
     */
    public ZkIsrStore(final CuratorFramework zk) {
        this.zk = zk;
    }

    /**
     * @param topic     the topic.
     * @param partition the partition.
     * @param current   the state this leader acts on (its partition epoch is the version the write requires).
     * @param newIsr    the ISR the leader wants.
     * @return the written state with its new partition epoch, or {@code null} if the state changed since
     *     {@code current} was read (the caller keeps its old ISR and waits for the new state).
     * @throws IllegalStateException on other ZooKeeper failures.
     */
    public LeaderAndIsr tryUpdateIsr(final String topic, final int partition, final LeaderAndIsr current,
                                     final List<Integer> newIsr) {
        final LeaderAndIsr proposed = current.withIsr(newIsr);
        try {
            final Stat stat = zk.setData().withVersion(current.partitionEpoch())
                .forPath(ZkPaths.state(topic, partition), proposed.toJson());
            return proposed.withPartitionEpoch(stat.getVersion());
        } catch (final KeeperException.BadVersionException | KeeperException.NoNodeException ex) {
            return null;
        } catch (final Exception ex) {
            throw new IllegalStateException("Updating the ISR of topic=" + topic + " partition=" + partition
                + " failed", ex);
        }
    }

    /**
     * @return the partition's state as ZooKeeper has it now, or {@code null} if it has none.
     */
    public LeaderAndIsr read(final String topic, final int partition) {
        final Stat stat = new Stat();
        try {
            return LeaderAndIsr.fromJson(zk.getData().storingStatIn(stat).forPath(ZkPaths.state(topic, partition)),
                stat.getVersion());
        } catch (final KeeperException.NoNodeException ex) {
            return null;
        } catch (final Exception ex) {
            throw new IllegalStateException("Reading the state of topic=" + topic + " partition=" + partition
                + " failed", ex);
        }
    }
}
