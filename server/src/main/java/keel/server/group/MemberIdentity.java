package keel.server.group;

/**
 * A member named in LeaveGroup (v3+ leaves several at once). Immutable.
 *
 * @param memberId        the member id, or "" to remove a static member by its instance id alone.
 * @param groupInstanceId the group.instance.id, or null.
 */
public record MemberIdentity(String memberId, String groupInstanceId) {
}
