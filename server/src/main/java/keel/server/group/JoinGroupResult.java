package keel.server.group;

import java.util.List;

/**
 * The answer to a JoinGroup. Immutable.
 *
 * @param error          a {@link GroupErrors} code.
 * @param memberId       the member's id (also set with MEMBER_ID_REQUIRED).
 * @param generationId   the group's generation, -1 on error.
 * @param protocolType   the group's protocol type, or null.
 * @param protocolName   the selected protocol, or null.
 * @param leaderId       the leader's member id, "" if none.
 * @param skipAssignment KIP-814: the static leader rejoined without change; it must not compute a new assignment.
 * @param members        the members and their metadata for the selected protocol: only for the leader.
 */
public record JoinGroupResult(short error, String memberId, int generationId, String protocolType,
                              String protocolName, String leaderId, boolean skipAssignment,
                              List<JoinedMember> members) {
    /**
     * @param error    the error.
     * @param memberId the member id to echo ("" if none).
     * @return an error result.
     */
    public static JoinGroupResult error(final short error, final String memberId) {
        return new JoinGroupResult(error, memberId, -1, null, null, "", false, List.of());
    }

    /**
     * A member as the leader sees it in its JoinGroup response.
     *
     * @param memberId        the member id.
     * @param groupInstanceId its group.instance.id, or null.
     * @param metadata        its metadata for the selected protocol.
     */
    public record JoinedMember(String memberId, String groupInstanceId, byte[] metadata) {
    }
}
