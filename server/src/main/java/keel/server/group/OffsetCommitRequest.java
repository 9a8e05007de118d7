package keel.server.group;

import java.util.Map;

/**
 * An OffsetCommit call. Immutable by convention.
 *
 * @param groupId         the group.
 * @param generationId    the member's generation, or -1 for a standalone commit (a group that does not use the
 *                        coordinator's membership: accepted only while the group is Empty).
 * @param memberId        the member id, "" for a standalone commit.
 * @param groupInstanceId the static member's instance id (v7+), or null.
 * @param offsets         what to commit.
 */
public record OffsetCommitRequest(String groupId, int generationId, String memberId, String groupInstanceId,
                                  Map<OffsetKey, OffsetAndMetadata> offsets) {
}
