package keel.server.protocol;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import keel.log.ReadResult;
import keel.server.network.NetworkRequest;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One decoded request: the network request, its API key, version and correlation id, and the way to answer it.
 * Completion is thread-safe (the network layer's contract); a context is completed exactly once.
 */
final class RequestContext {
    private static final Logger LOG = LoggerFactory.getLogger(RequestContext.class);

    private final NetworkRequest request;
    private final ApiKeys apiKey;
    private final short version;
    private final int correlationId;
    private final String clientId;

    RequestContext(final NetworkRequest request, final ApiKeys apiKey, final short version, final int correlationId) {
        this(request, apiKey, version, correlationId, null);
    }

    RequestContext(final NetworkRequest request, final ApiKeys apiKey, final short version, final int correlationId,
                   final String clientId) {
        this.request = request;
        this.apiKey = apiKey;
        this.version = version;
        this.correlationId = correlationId;
        this.clientId = clientId;
    }

    /**
     * @return the request header's client id, or null.
     */
    String clientId() {
        return clientId;
    }

    NetworkRequest request() {
        return request;
    }

    ApiKeys apiKey() {
        return apiKey;
    }

    short version() {
        return version;
    }

    void respond(final ApiMessage body) {
        respond(body, List.of(), version);
    }

    /**
     * Encodes and queues the response; the reads (file regions in the body) are released once it is written.
     *
     * @param body            the response body.
     * @param reads           the segment reservations the body's records hold.
     * @param responseVersion the version to encode (the request's, except for an ApiVersions fallback to v0).
     */
    void respond(final ApiMessage body, final List<ReadResult> reads, final short responseVersion) {
        final Send send;
        try {
            send = SendBuilder.buildResponseSend(new ResponseHeader(correlationId,
                apiKey.responseHeaderVersion(responseVersion)), body, responseVersion);
        } catch (final RuntimeException ex) {
            // a response this version cannot carry is a bug in Keel, not the client's fault: say so and hang up
            LOG.error("Cannot encode {} v{} response for {}; closing the connection", apiKey, responseVersion,
                request.remoteAddress(), ex);
            for (int i = 0; i < reads.size(); i++) {
                reads.get(i).release();
            }
            request.closeConnection();
            return;
        }
        request.respond(new KafkaResponseSend(send, reads));
    }

    /**
     * Like {@link #respond(ApiMessage, List, short)}, but when a region may be cold (not in the page cache) the
     * response is handed to {@code ioExecutor}, which faults the regions in before queueing it: the network thread
     * then sends from the page cache and never waits for the disk, so the responses of other connections on it
     * (produce acknowledgements) are not delayed by a cold read (KAFKA-7504). Pages may still be evicted between
     * the pre-fault and the send under heavy memory pressure; that is the rare case, not the steady state.
     *
     * @param body       the response body.
     * @param reads      the segment reservations the body's records hold.
     * @param policy     decides which regions may be cold.
     * @param ioExecutor runs the pre-fault; a rejected task (shutdown) answers from the calling thread.
     * @return true when the response was handed to {@code ioExecutor}.
     */
    boolean respondFetch(final ApiMessage body, final List<ReadResult> reads, final ColdReadPolicy policy,
                         final Executor ioExecutor) {
        boolean cold = false;
        for (int i = 0; i < reads.size() && !cold; i++) {
            cold = policy.mayBeCold(reads.get(i));
        }
        if (!cold) {
            respond(body, reads, version);
            return false;
        }
        try {
            ioExecutor.execute(() -> prefaultAndRespond(body, reads));
            return true;
        } catch (final RejectedExecutionException ex) {
            respond(body, reads, version);
            return false;
        }
    }

    private void prefaultAndRespond(final ApiMessage body, final List<ReadResult> reads) {
        try {
            for (int i = 0; i < reads.size(); i++) {
                reads.get(i).prefault();
            }
        } catch (final IOException | RuntimeException ex) {
            // the send reads the same file and fails the connection if the file is really unreadable
            LOG.debug("Pre-faulting a fetch response for {} failed", request.remoteAddress(), ex);
        }
        respond(body, reads, version);
    }
}
