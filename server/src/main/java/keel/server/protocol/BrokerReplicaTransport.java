package keel.server.protocol;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import keel.replication.EpochEndOffset;
import keel.replication.ReplicaTransport;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;

/**
 * Placeholder until the broker-to-broker client lands (branch transport): every call fails with NETWORK_EXCEPTION.
 */
public final class BrokerReplicaTransport implements ReplicaTransport, AutoCloseable {
    public BrokerReplicaTransport(final int localBrokerId, final IntFunction<InetSocketAddress> addressOf,
                                  final int requestTimeoutMs, final String clientId) {
    }

    @Override
    public void fetch(final int sourceBrokerId, final int replicaId, final long maxWaitMs,
                      final List<FetchPartition> partitions, final FetchCallback callback) {
        callback.onFetch(ReplicationError.NETWORK_EXCEPTION, Map.of());
    }

    @Override
    public void offsetForLeaderEpoch(final int sourceBrokerId, final int replicaId, final TopicPartition partition,
                                     final int currentLeaderEpoch, final int leaderEpoch,
                                     final EpochCallback callback) {
        callback.onEpochEndOffset(EpochEndOffset.error(ReplicationError.NETWORK_EXCEPTION));
    }

    @Override
    public void close() {
    }
}
