package keel.server.protocol;

import java.util.List;

import keel.replication.DelayedOperation;
import keel.replication.Partition;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;

/**
 * An acks=all produce parked until the high watermark of every appended partition passes the end of its batches,
 * or the request's timeout passes (those partitions then answer REQUEST_TIMED_OUT; their records stay in the log,
 * as in Kafka). A partition whose leadership changed answers NOT_LEADER_OR_FOLLOWER at once; one whose in-sync set
 * shrank below min.insync.replicas answers NOT_ENOUGH_REPLICAS_AFTER_APPEND once the high watermark passed
 * ({@link Partition#checkEnoughReplicasReachOffset}). Thread-safe through {@link DelayedOperation}.
 */
final class DelayedProduce extends DelayedOperation {
    private final RequestContext context;
    private final ProduceResponseData response;
    private final List<Pending> pending;

    /** One appended partition: the offset the high watermark must reach, and where to answer. */
    static final class Pending {
        private final Partition partition;
        private final long requiredOffset;
        private final int leaderEpoch;
        private final int minInSyncReplicas;
        private final PartitionProduceResponse response;

        Pending(final Partition partition, final long requiredOffset, final int leaderEpoch,
                final int minInSyncReplicas, final PartitionProduceResponse response) {
            this.partition = partition;
            this.requiredOffset = requiredOffset;
            this.leaderEpoch = leaderEpoch;
            this.minInSyncReplicas = minInSyncReplicas;
            this.response = response;
        }

        int check() {
            return partition.checkEnoughReplicasReachOffset(requiredOffset, leaderEpoch, minInSyncReplicas);
        }

        Partition partition() {
            return partition;
        }

        boolean acknowledged() {
            return check() != Partition.PENDING;
        }
    }

    DelayedProduce(final long timeoutMs, final RequestContext context, final ProduceResponseData response,
                   final List<Pending> pending) {
        super(Math.max(0, timeoutMs));
        this.context = context;
        this.response = response;
        this.pending = pending;
    }

    @Override
    protected boolean tryComplete() {
        for (int i = 0; i < pending.size(); i++) {
            if (!pending.get(i).acknowledged()) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void onComplete(final boolean expired) {
        for (int i = 0; i < pending.size(); i++) {
            final Pending p = pending.get(i);
            final int code = p.check();
            if (code != Partition.PENDING && code != Errors.NONE.code()) {
                // the records may be in the log: the producer must not count them as acknowledged
                p.response.setErrorCode((short) code).setBaseOffset(-1);
            } else if (code == Partition.PENDING) {
                p.response.setErrorCode(Errors.REQUEST_TIMED_OUT.code()).setBaseOffset(-1)
                    .setErrorMessage("The high watermark did not reach offset " + p.requiredOffset + " of "
                        + p.partition.topic() + "-" + p.partition.partition() + " within " + delayMs() + " ms");
            }
        }
        context.respond(response);
    }
}
