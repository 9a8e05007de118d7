package keel.server.group;

import java.util.Map;

/**
 * A per-partition answer (OffsetCommit, OffsetDelete). Immutable by convention.
 *
 * @param error      the top-level {@link GroupErrors} code (OffsetDelete), NONE for OffsetCommit.
 * @param partitions the code of each partition of the request.
 */
public record PartitionErrors(short error, Map<OffsetKey, Short> partitions) {
}
