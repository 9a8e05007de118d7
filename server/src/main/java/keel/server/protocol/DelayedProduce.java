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
 * as in Kafka). Thread-safe through {@link DelayedOperation}.
 */
final class DelayedProduce extends DelayedOperation {
    private final RequestContext context;
    private final ProduceResponseData response;
    private final List<Pending> pending;

    /** One appended partition: the offset the high watermark must reach, and where to answer. */
    static final class Pending {
        private final Partition partition;
        private final long requiredOffset;
        private final PartitionProduceResponse response;

        Pending(final Partition partition, final long requiredOffset, final PartitionProduceResponse response) {
            this.partition = partition;
            this.requiredOffset = requiredOffset;
            this.response = response;
        }

        Partition partition() {
            return partition;
        }

        boolean acknowledged() {
            return partition.highWatermark() >= requiredOffset || partition.log().isClosed();
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
            if (p.partition.log().isClosed()) {
                p.response.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()).setBaseOffset(-1);
            } else if (p.partition.highWatermark() < p.requiredOffset) {
                p.response.setErrorCode(Errors.REQUEST_TIMED_OUT.code()).setBaseOffset(-1)
                    .setErrorMessage("The high watermark did not reach offset " + p.requiredOffset + " of "
                        + p.partition.topic() + "-" + p.partition.partition() + " within " + delayMs() + " ms");
            }
        }
        context.respond(response);
    }
}
