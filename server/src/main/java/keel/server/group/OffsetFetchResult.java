package keel.server.group;

import java.util.Map;

/**
 * The answer to an OffsetFetch. Immutable by convention.
 *
 * @param error   a {@link GroupErrors} code.
 * @param offsets the committed offsets; a requested partition without one maps to {@link OffsetAndMetadata#NONE}.
 */
public record OffsetFetchResult(short error, Map<OffsetKey, OffsetAndMetadata> offsets) {
}
