package keel.server.group;

import java.util.List;

/**
 * One group of DescribeGroups. Immutable by convention. As in Kafka, member metadata and assignments are only
 * reported while the group is Stable, and an unknown group is described as Dead with no error.
 *
 * @param error        a {@link GroupErrors} code (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS or NONE).
 * @param groupId      the group.
 * @param state        its state.
 * @param protocolType its protocol type, "" if none.
 * @param protocol     the selected protocol while Stable, "" otherwise.
 * @param members      its members.
 */
public record GroupDescription(short error, String groupId, GroupState state, String protocolType, String protocol,
                               List<Member> members) {
    /**
     * A member in DescribeGroups.
     *
     * @param memberId        the member id.
     * @param groupInstanceId the instance id, or null.
     * @param clientId        the client id.
     * @param clientHost      the client host.
     * @param metadata        its metadata for the group's protocol (empty unless Stable).
     * @param assignment      its assignment (empty unless Stable).
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         byte[] metadata, byte[] assignment) {
    }
}
