package keel.server.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import keel.replication.Partition;
import keel.replication.ReplicationError;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch for consumers and followers. A consumer (replica id &lt; 0) reads whole batches below the high watermark;
 * a follower (replica id &gt;= 0, {@code ReplicaState.ReplicaId} from v15) first reports its position with
 * {@link Partition#onFollowerFetch} (fencing, ISR and high watermark: a high-watermark advance wakes parked acks=all
 * produces through the partition listener), then reads up to the log end; a fetch offset outside the log answers
 * OFFSET_OUT_OF_RANGE with the log start offset and high watermark. Both are fenced by {@code currentLeaderEpoch}
 * (FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer) and answered NOT_LEADER_OR_FOLLOWER by a replica
 * that does not lead. Reads are file regions sent zero-copy, within the
 * per-partition and total byte limits (the first batch even if larger, KIP-74). When fewer than {@code min.bytes}
 * are available it parks the request in the fetch purgatory (no thread held) until enough data arrives or
 * {@code max.wait.ms} passes, and reads again then. Fetch sessions (KIP-227) are declined: every response carries
 * session id 0, so clients send full fetches. A connection that goes away frees its parked fetches at once.
 * Thread-safe.
 */
final class FetchApi {
    /** Fetch v13 and later name topics by id only. */
    private static final short FIRST_TOPIC_ID_VERSION = 13;

    private final BrokerServices services;
    private final ColdReadPolicy coldReads;
    private final Executor ioExecutor;
    private final Map<Long, Set<DelayedFetch>> parkedByConnection = new ConcurrentHashMap<>();

    /**
     * @param services   what requests run against.
     * @param coldReads  decides which fetched regions may be cold.
     * @param ioExecutor pre-faults cold regions before their response is queued (never a network thread).
     */
    FetchApi(final BrokerServices services, final ColdReadPolicy coldReads, final Executor ioExecutor) {
        this.services = services;
        this.coldReads = coldReads;
        this.ioExecutor = ioExecutor;
    }

    void handle(final RequestContext context, final ApiMessage body) {
        final FetchRequestData request = (FetchRequestData) body;
        if (request.sessionId() != 0) {
            context.respond(new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                .setSessionId(0));
            return;
        }
        // v15+ carries the replica id in ReplicaState; older versions in ReplicaId (the other one stays -1)
        final int replicaId = Math.max(request.replicaId(), request.replicaState().replicaId());
        final FetchState state = new FetchState(context, request, replicaId >= 0, coldReads, ioExecutor);
        final boolean byId = context.version() >= FIRST_TOPIC_ID_VERSION;
        // identity: one watch per partition however often the request names it
        final Set<Object> keys = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final FetchRequestData.FetchTopic topicRequest : request.topics()) {
            final TopicManager.Topic topic = byId ? services.topics().topic(Ids.fromKafka(topicRequest.topicId()))
                : services.topics().topic(topicRequest.topic());
            final FetchResponseData.FetchableTopicResponse topicResponse = state.addTopic(topicRequest, byId);
            for (final FetchRequestData.FetchPartition partitionRequest : topicRequest.partitions()) {
                final Partition partition = topic == null ? null : topic.partition(partitionRequest.partition());
                final short error;
                if (partition == null) {
                    error = MissingPartition.errorCode(topic, partitionRequest.partition(), byId);
                } else if (replicaId >= 0) {
                    // records the follower's position (and may advance the HW, which wakes parked acks=all
                    // produces through the partition listener) before reading up to the log end
                    error = (short) partition.onFollowerFetch(replicaId, partitionRequest.fetchOffset(),
                        partitionRequest.currentLeaderEpoch());
                } else {
                    final int fencing = partition.checkLeaderEpoch(partitionRequest.currentLeaderEpoch());
                    error = fencing != ReplicationError.NONE ? (short) fencing
                        : partition.isLeader() ? Errors.NONE.code() : Errors.NOT_LEADER_OR_FOLLOWER.code();
                }
                if (error == Errors.NONE.code()) {
                    keys.add(partition);
                }
                state.addPartition(topicResponse, partitionRequest, partition, error);
            }
        }
        final int bytes = state.read();
        if (request.maxWaitMs() <= 0 || bytes >= request.minBytes() || state.hasError() || keys.isEmpty()) {
            state.respond();
            return;
        }
        state.release();
        // parked by connection, so that a connection that goes away frees its parked fetches at once
        final long connectionId = context.request().connectionId();
        final Set<DelayedFetch> parked = parkedByConnection.computeIfAbsent(connectionId,
            id -> ConcurrentHashMap.newKeySet());
        final DelayedFetch[] self = new DelayedFetch[1];
        self[0] = new DelayedFetch(request.maxWaitMs(), state, () -> parked.remove(self[0]));
        parked.add(self[0]);
        services.fetchPurgatory().tryCompleteElseWatch(self[0], new ArrayList<>(keys));
    }

    /**
     * Completes the parked fetches of a connection that is gone without answering them. Called on the connection's
     * network thread, the thread that parks its fetches, so no fetch of it is parked after this.
     *
     * @param connectionId the connection.
     */
    void onDisconnect(final long connectionId) {
        final Set<DelayedFetch> parked = parkedByConnection.remove(connectionId);
        if (parked == null) {
            return;
        }
        for (final DelayedFetch fetch : parked.toArray(new DelayedFetch[0])) {
            fetch.abandon();
            services.fetchPurgatory().cancel(fetch);
        }
    }
}
