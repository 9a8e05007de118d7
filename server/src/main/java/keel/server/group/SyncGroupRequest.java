package keel.server.group;

import java.util.Map;

/**
 * A SyncGroup call. Immutable by convention.
 *
 * @param groupId         the group.
 * @param generationId    the generation the member joined.
 * @param memberId        the member.
 * @param groupInstanceId the static member's instance id (v3+), or null.
 * @param protocolType    v5+: must equal the group's, or null to skip the check.
 * @param protocolName    v5+: must equal the group's, or null to skip the check.
 * @param assignments     the leader's assignment per member id; empty for followers.
 */
public record SyncGroupRequest(String groupId, int generationId, String memberId, String groupInstanceId,
                               String protocolType, String protocolName, Map<String, byte[]> assignments) {
}
