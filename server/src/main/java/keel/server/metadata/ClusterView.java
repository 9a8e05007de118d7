package keel.server.metadata;

import java.util.List;

/**
 * What the protocol handlers need to know about the cluster: the live brokers, the controller, and each partition's
 * leader, replicas and ISR. In single-node mode this broker is the only broker and leads every partition
 * ({@link #singleNode}); in a cluster the view follows ZooKeeper ({@code keel.server.cluster.ZkClusterView}).
 * Implementations are thread-safe.
 */
public interface ClusterView {
    /**
     * @return the live brokers.
     */
    List<Node> brokers();

    /**
     * @return the controller's broker id, or -1 if there is none now.
     */
    int controllerId();

    /**
     * @param topic     the topic.
     * @param partition the partition.
     * @return the partition's leadership, or {@code null} if the view does not know the partition (yet).
     */
    PartitionLeadership partition(String topic, int partition);

    /**
     * A broker clients can connect to.
     *
     * @param id   broker.id.
     * @param host the advertised host.
     * @param port the advertised port.
     * @param rack broker.rack, or {@code null}.
     */
    record Node(int id, String host, int port, String rack) {
    }

    /**
     * A partition's leader (-1 when offline), leader epoch, assigned replicas and in-sync replicas.
     *
     * @param leader      the leader's id, or -1.
     * @param leaderEpoch the leader epoch.
     * @param replicas    the assigned replicas.
     * @param isr         the in-sync replicas.
     */
    record PartitionLeadership(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
        public PartitionLeadership {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }
    }

    /**
     * The single-node view: this broker is the only broker, the controller, and the leader of every partition it
     * has, with itself as the only replica.
     *
     * @param self   this broker's endpoint (the port may be known only once bound: pass a supplier).
     * @param topics the local topics, for leader epochs.
     * @return the view.
     */
    static ClusterView singleNode(final java.util.function.Supplier<Node> self, final TopicManager topics) {
        return new ClusterView() {
            @Override
            public List<Node> brokers() {
                return List.of(self.get());
            }

            @Override
            public int controllerId() {
                return topics.brokerId();
            }

            @Override
            public PartitionLeadership partition(final String topic, final int partition) {
                final TopicManager.Topic local = topics.topic(topic);
                if (local == null || partition < 0 || partition >= local.partitionCount()) {
                    return null;
                }
                final List<Integer> self = List.of(topics.brokerId());
                return new PartitionLeadership(topics.brokerId(), local.partition(partition).leaderEpoch(), self, self);
            }
        };
    }
}
