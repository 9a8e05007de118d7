package keel.server.protocol;

import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The APIs Keel serves and their version ranges, as advertised by ApiVersions: every version kafka-clients'
 * generated classes parse for the APIs implemented (the client picks the highest both sides know). Immutable.
 */
final class SupportedApis {
    private static final ApiKeys[] APIS = {
        ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.API_VERSIONS,
        ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_RECORDS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.DESCRIBE_LOG_DIRS,
        ApiKeys.CREATE_PARTITIONS, ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_CLUSTER,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP,
        ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.OFFSET_DELETE, ApiKeys.LIST_GROUPS,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_GROUPS,
    };

    private final Map<ApiKeys, short[]> ranges = new EnumMap<>(ApiKeys.class);

    SupportedApis() {
        for (final ApiKeys api : APIS) {
            ranges.put(api, new short[] {api.oldestVersion(), api.latestVersion()});
        }
    }

    boolean isSupported(final ApiKeys api, final short version) {
        final short[] range = ranges.get(api);
        return range != null && version >= range[0] && version <= range[1];
    }

    boolean isKnown(final ApiKeys api) {
        return ranges.containsKey(api);
    }

    /**
     * @param error NONE, or UNSUPPORTED_VERSION for a request newer than Keel knows.
     * @return the ApiVersions response body.
     */
    ApiVersionsResponseData response(final Errors error) {
        final ApiVersionCollection keys = new ApiVersionCollection();
        for (final Map.Entry<ApiKeys, short[]> entry : ranges.entrySet()) {
            keys.add(new ApiVersion().setApiKey(entry.getKey().id).setMinVersion(entry.getValue()[0])
                .setMaxVersion(entry.getValue()[1]));
        }
        return new ApiVersionsResponseData().setErrorCode(error.code()).setApiKeys(keys);
    }
}
