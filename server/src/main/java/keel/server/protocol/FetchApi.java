package keel.server.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import keel.replication.Partition;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch for consumers: reads whole batches below the high watermark as file regions sent zero-copy, within the
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
        final FetchState state = new FetchState(context, request, coldReads, ioExecutor);
        final boolean byId = context.version() >= FIRST_TOPIC_ID_VERSION;
        // identity: one watch per partition however often the request names it
        final Set<Object> keys = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final FetchRequestData.FetchTopic topicRequest : request.topics()) {
            final TopicManager.Topic topic = byId ? services.topics().topic(Ids.fromKafka(topicRequest.topicId()))
                : services.topics().topic(topicRequest.topic());
            final FetchResponseData.FetchableTopicResponse topicResponse = state.addTopic(topicRequest, byId);
            for (final FetchRequestData.FetchPartition partitionRequest : topicRequest.partitions()) {
                final Partition partition = topic == null ? null : topic.partition(partitionRequest.partition());
                short error = Errors.NONE.code();
                if (partition == null) {
                    error = topic == null && byId ? Errors.UNKNOWN_TOPIC_ID.code()
                        : Errors.UNKNOWN_TOPIC_OR_PARTITION.code();
                } else if (partitionRequest.currentLeaderEpoch() > partition.leaderEpoch()) {
                    error = Errors.UNKNOWN_LEADER_EPOCH.code();
                } else if (partitionRequest.currentLeaderEpoch() >= 0
                    && partitionRequest.currentLeaderEpoch() < partition.leaderEpoch()) {
                    error = Errors.FENCED_LEADER_EPOCH.code();
                } else {
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
