package keel.server.protocol;

import java.util.List;

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
}
