package keel.server.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import keel.server.network.NetworkRequest;
import keel.server.network.RequestHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each request frame with kafka-clients' generated classes and runs it. Produce, Fetch and ApiVersions run
 * on the calling network thread (an append to a pre-touched mapping, a lock-free read, no I/O wait); everything that
 * may block (topic changes, metadata with auto-creation, deletions) runs on the blocking executor. Two cases of the
 * fast APIs may block too and leave the network thread: a fetch whose data may not be in the page cache is
 * pre-faulted on the blocking executor before its response is queued, and a produce to a topic with
 * {@code flush.messages} (whose append may fsync) runs on one produce-sync thread.
 *
 * <p>Bad input follows Kafka: a header that cannot be parsed (unknown API key, garbage) closes the connection and
 * is logged once with the peer; ApiVersions newer than Keel knows is answered with a v0 UNSUPPORTED_VERSION response
 * carrying the supported ranges; another API or version Keel does not serve gets UNSUPPORTED_VERSION in that API's
 * own error response when kafka-clients can parse it, else a closed connection. Thread-safe.
 */
public final class KafkaRequestHandler implements RequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRequestHandler.class);

    private final BrokerServices services;
    private final SupportedApis apis = new SupportedApis();
    private final ProduceApi produce;
    private final FetchApi fetch;
    private final MetadataApi metadata;
    private final TopicAdminApi topicAdmin;
    private final PartitionAdminApi partitionAdmin;
    private final GroupsApi groups;
    private final Set<String> unsupportedLogged = ConcurrentHashMap.newKeySet();
    private final Executor syncExecutor;

    /** The thread that runs produce requests which may fsync, created on first use. */
    private static final class SyncThread {
        static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "keel-produce-sync");
            thread.setDaemon(true);
            return thread;
        });
    }
    private final RequestVersions versions = new RequestVersions();

    /**
     * @param services what requests run against.
     */
    public KafkaRequestHandler(final BrokerServices services) {
        this(services, ColdReadPolicy.MINCORE, command -> SyncThread.EXECUTOR.execute(command));
    }

    /**
     * @param services     what requests run against; its blocking executor pre-faults cold fetch responses.
     * @param coldReads    decides which fetched regions may be cold.
     * @param syncExecutor runs, in arrival order on one thread, the produce requests whose append may fsync
     *                     ({@code flush.messages}); one thread keeps the appends of each partition in order.
     */
    KafkaRequestHandler(final BrokerServices services, final ColdReadPolicy coldReads, final Executor syncExecutor) {
        this.services = services;
        this.syncExecutor = syncExecutor;
        this.produce = new ProduceApi(services);
        this.fetch = new FetchApi(services, coldReads, services.blockingExecutor());
        this.metadata = new MetadataApi(services);
        this.topicAdmin = new TopicAdminApi(services);
        this.partitionAdmin = new PartitionAdminApi(services);
        this.groups = new GroupsApi(services);
    }

    /**
     * @return the API versions clients have sent (for tests and the tested-clients table).
     */
    public RequestVersions versions() {
        return versions;
    }

    @Override
    public void onRequest(final NetworkRequest request) {
        final ByteBuffer frame = request.frame();
        final RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (final RuntimeException ex) {
            LOG.warn("Closing connection {} from {}: cannot parse the request header of a {}-byte frame: {}",
                request.connectionId(), request.remoteAddress(), frame.limit(), ex.toString());
            request.closeConnection();
            return;
        }
        final ApiKeys api = header.apiKey();
        final short version = header.apiVersion();
        versions.record(api, version);
        final RequestContext context = new RequestContext(request, api, version, header.correlationId(),
            header.clientId());
        if (api == ApiKeys.API_VERSIONS && !apis.isSupported(api, version)) {
            // KIP-511: a client newer than the broker learns the ranges from a v0 answer and retries
            context.respond(apis.response(Errors.UNSUPPORTED_VERSION), List.of(), (short) 0);
            return;
        }
        final AbstractRequest body;
        try {
            body = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(frame)).request;
        } catch (final RuntimeException ex) {
            LOG.warn("Closing connection {} from {}: cannot parse {} v{} request (correlation id {}): {}",
                request.connectionId(), request.remoteAddress(), api, version, header.correlationId(),
                ex.toString());
            request.closeConnection();
            return;
        }
        if (!apis.isSupported(api, version)) {
            if (unsupportedLogged.add(api + "v" + version)) {
                LOG.warn("Answering UNSUPPORTED_VERSION to {} v{} from {} (client {}): Keel does not serve it",
                    api, version, request.remoteAddress(), header.clientId());
            }
            final ApiMessage error;
            try {
                error = body.getErrorResponse(0, Errors.UNSUPPORTED_VERSION.exception()).data();
            } catch (final RuntimeException ex) {
                // kafka-clients builds some error responses from the request's fields (DescribeUserScramCredentials
                // walks its user list), which a body that parsed may still lack
                LOG.warn("Closing connection {} from {}: cannot build the error response to {} v{} (correlation id "
                    + "{}): {}", request.connectionId(), request.remoteAddress(), api, version, header.correlationId(),
                    ex.toString());
                request.closeConnection();
                return;
            }
            context.respond(error);
            return;
        }
        dispatch(context, body.data());
    }

    private void dispatch(final RequestContext context, final ApiMessage body) {
        switch (context.apiKey()) {
            case API_VERSIONS:
                context.respond(apis.response(Errors.NONE));
                return;
            case PRODUCE:
                if (produce.mayFsync(context, body)) {
                    offloadProduce(context, body);
                } else {
                    produce.handle(context, body);
                }
                return;
            case FETCH:
                fetch.handle(context, body);
                return;
            default:
                break;
        }
        try {
            services.blockingExecutor().execute(() -> runBlocking(context, body));
        } catch (final RejectedExecutionException ex) {
            // shutting down: hang up rather than leave the request without an answer
            context.request().closeConnection();
        }
    }

    private void offloadProduce(final RequestContext context, final ApiMessage body) {
        try {
            syncExecutor.execute(() -> {
                try {
                    produce.handle(context, body);
                } catch (final RuntimeException ex) {
                    LOG.error("Produce v{} from {} failed; closing the connection", context.version(),
                        context.request().remoteAddress(), ex);
                    context.request().closeConnection();
                }
            });
        } catch (final RejectedExecutionException ex) {
            context.request().closeConnection();
        }
    }

    private void runBlocking(final RequestContext context, final ApiMessage body) {
        try {
            switch (context.apiKey()) {
                case METADATA:
                    metadata.metadata(context, body);
                    break;
                case DESCRIBE_CLUSTER:
                    metadata.describeCluster(context, body);
                    break;
                case CREATE_TOPICS:
                    topicAdmin.createTopics(context, body);
                    break;
                case DELETE_TOPICS:
                    topicAdmin.deleteTopics(context, body);
                    break;
                case CREATE_PARTITIONS:
                    topicAdmin.createPartitions(context, body);
                    break;
                case DESCRIBE_CONFIGS:
                    topicAdmin.describeConfigs(context, body);
                    break;
                case INCREMENTAL_ALTER_CONFIGS:
                    topicAdmin.incrementalAlterConfigs(context, body);
                    break;
                case LIST_OFFSETS:
                    partitionAdmin.listOffsets(context, body);
                    break;
                case INIT_PRODUCER_ID:
                    partitionAdmin.initProducerId(context, body);
                    break;
                case OFFSET_FOR_LEADER_EPOCH:
                    partitionAdmin.offsetForLeaderEpoch(context, body);
                    break;
                case DELETE_RECORDS:
                    partitionAdmin.deleteRecords(context, body);
                    break;
                case DESCRIBE_LOG_DIRS:
                    partitionAdmin.describeLogDirs(context, body);
                    break;
                case FIND_COORDINATOR:
                    groups.findCoordinator(context, body);
                    break;
                case JOIN_GROUP:
                    groups.joinGroup(context, body);
                    break;
                case SYNC_GROUP:
                    groups.syncGroup(context, body);
                    break;
                case HEARTBEAT:
                    groups.heartbeat(context, body);
                    break;
                case LEAVE_GROUP:
                    groups.leaveGroup(context, body);
                    break;
                case OFFSET_COMMIT:
                    groups.offsetCommit(context, body);
                    break;
                case OFFSET_FETCH:
                    groups.offsetFetch(context, body);
                    break;
                case OFFSET_DELETE:
                    groups.offsetDelete(context, body);
                    break;
                case LIST_GROUPS:
                    groups.listGroups(context, body);
                    break;
                case DESCRIBE_GROUPS:
                    groups.describeGroups(context, body);
                    break;
                case DELETE_GROUPS:
                    groups.deleteGroups(context, body);
                    break;
                default:
                    throw new IllegalStateException("No handler for supported API " + context.apiKey());
            }
        } catch (final RuntimeException ex) {
            LOG.error("{} v{} from {} failed; closing the connection", context.apiKey(), context.version(),
                context.request().remoteAddress(), ex);
            context.request().closeConnection();
        }
    }

    @Override
    public void onDisconnect(final long connectionId) {
        // a parked fetch would hold its frame until max.wait.ms; a parked acks=all produce completes with the high
        // watermark (at once on one node) and its response is discarded
        fetch.onDisconnect(connectionId);
    }
}
