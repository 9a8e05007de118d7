package keel.server;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import keel.replication.LeaderAndIsr;
import keel.replication.Partition;
import keel.replication.ReplicaManager;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;
import keel.server.cluster.PartitionLeadershipListener;
import keel.server.metadata.TopicInfo;
import keel.server.metadata.TopicManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the controller's decisions, as this broker's ZooKeeper view delivers them, into the local replicas: a
 * topic's id, partition count and configuration into the {@link TopicManager}; each partition state into
 * {@link ReplicaManager#becomeLeader} or {@link ReplicaManager#becomeFollower} of the local replica (opened on first
 * need), or into {@link ReplicaManager#stopReplica} and deletion when this broker is no longer among its replicas
 * or the topic is deleted. Leadership changes of the offsets topic also go to {@link Hook} (the group coordinator
 * follows them).
 *
 * <p>Called on the view's event thread, one event at a time (the methods are synchronized); an event that fails
 * (a disk error) is logged and the partition is left without a role, so clients are sent elsewhere.
 */
final class ClusterPartitions implements PartitionLeadershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPartitions.class);

    /** Told when this broker starts or stops leading a partition. */
    interface Hook {
        /**
         * @param partition the partition.
         * @param replica   the local replica.
         * @param leader    whether this broker leads it now.
         */
        void onLeadership(TopicPartition partition, Partition replica, boolean leader);

        /**
         * @param partition a partition this broker no longer holds.
         */
        void onStopped(TopicPartition partition);
    }

    private final int brokerId;
    private final TopicManager topics;
    private final ReplicaManager replicas;
    private final Hook hook;
    private final LongSupplier registeredZxid;

    /**
     * @param brokerId       this broker.
     * @param topics         the local topics.
     * @param replicas       the replica manager.
     * @param hook           told of leadership changes (the offsets topic).
     * @param registeredZxid the transaction that created this broker's registration ({@link Long#MAX_VALUE} before
     *                       it registered).
     */
    ClusterPartitions(final int brokerId, final TopicManager topics, final ReplicaManager replicas, final Hook hook,
                      final LongSupplier registeredZxid) {
        this.brokerId = brokerId;
        this.topics = topics;
        this.replicas = replicas;
        this.hook = hook;
        this.registeredZxid = registeredZxid;
    }

    @Override
    public synchronized void onTopicChanged(final String topic, final UUID topicId, final int partitionCount,
                                            final Map<String, String> configs) {
        try {
            topics.applyTopic(new TopicInfo(topic, topicId, partitionCount, configs));
        } catch (final IOException | RuntimeException ex) {
            LOG.error("Broker {} cannot record topic {} ({} partitions, configs {})", brokerId, topic,
                partitionCount, configs, ex);
        }
    }

    @Override
    public void onLeaderAndIsr(final String topic, final int partition, final List<Integer> assigned,
                               final keel.server.cluster.LeaderAndIsr state) {
        onLeaderAndIsr(topic, partition, assigned, state, Long.MAX_VALUE);
    }

    /**
     * A state naming this broker leader that was written before this broker's registration was decided in its
     * previous life (or while it was away): its log may have lost the tail since, so it does not lead on it; the
     * controller sees the same (a registration newer than the state) and elects again, at a new leader epoch, and
     * that state is applied. Kafka's broker epoch (KIP-380) serves the same purpose.
     */
    @Override
    public synchronized void onLeaderAndIsr(final String topic, final int partition, final List<Integer> assigned,
                                            final keel.server.cluster.LeaderAndIsr state, final long stateZxid) {
        final TopicPartition tp = new TopicPartition(topic, partition);
        if (state.leader() == brokerId && stateZxid < registeredZxid.getAsLong()) {
            LOG.info("Broker {} led {} at leader epoch {} before it registered again: waiting for the controller to "
                + "elect anew", brokerId, tp, state.leaderEpoch());
            return;
        }
        try {
            if (!assigned.contains(brokerId)) {
                stop(tp);
                return;
            }
            if (topics.topic(topic) == null) {
                LOG.warn("Broker {}: state of {} before its topic; waiting for the topic", brokerId, tp);
                return;
            }
            final Partition replica = topics.host(topic, partition);
            final LeaderAndIsr next = new LeaderAndIsr(state.leader(), state.leaderEpoch(), state.isr(),
                state.partitionEpoch());
            final boolean leader = state.leader() == brokerId;
            final int result = leader ? replicas.becomeLeader(replica, next, assigned)
                : replicas.becomeFollower(replica, next, assigned);
            if (result != ReplicationError.NONE) {
                LOG.info("Broker {} ignored the state of {} at leader epoch {}: {}", brokerId, tp,
                    state.leaderEpoch(), ReplicationError.name(result));
                return;
            }
            hook.onLeadership(tp, replica, leader);
        } catch (final IOException | RuntimeException ex) {
            LOG.error("Broker {} cannot apply {} to {}", brokerId, state, tp, ex);
        }
    }

    @Override
    public synchronized void onPartitionDeleted(final String topic, final int partition) {
        try {
            stop(new TopicPartition(topic, partition));
        } catch (final IOException | RuntimeException ex) {
            LOG.error("Broker {} cannot delete its replica of {}-{}", brokerId, topic, partition, ex);
        }
    }

    @Override
    public synchronized void onTopicDeleted(final String topic) {
        final TopicManager.Topic known = topics.topic(topic);
        if (known == null) {
            return;
        }
        try {
            for (int p = 0; p < known.partitionCount(); p++) {
                if (known.partition(p) != null) {
                    stopReplica(new TopicPartition(topic, p));
                }
            }
            topics.forget(topic);
        } catch (final IOException | RuntimeException ex) {
            LOG.error("Broker {} cannot delete the local files of topic {}", brokerId, topic, ex);
        }
    }

    private void stop(final TopicPartition tp) throws IOException {
        final TopicManager.Topic known = topics.topic(tp.topic());
        if (known == null || known.partition(tp.partition()) == null) {
            return;
        }
        stopReplica(tp);
        topics.unhost(tp.topic(), tp.partition());
    }

    /** Stops the local replica (its replication state files go too) and tells the hook; the log stays. */
    private void stopReplica(final TopicPartition tp) throws IOException {
        replicas.stopReplica(tp, true);
        hook.onStopped(tp);
    }
}
