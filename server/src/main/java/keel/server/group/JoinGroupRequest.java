package keel.server.group;

import java.util.List;

/**
 * A JoinGroup call. Immutable.
 *
 * @param groupId              the group.
 * @param memberId             "" for a first join, else the id the coordinator gave.
 * @param groupInstanceId      the static member's group.instance.id (JoinGroup v5+), or null for a dynamic member.
 * @param clientId             the client id of the request header.
 * @param clientHost           the client's address, for DescribeGroups.
 * @param rebalanceTimeoutMs   JoinGroup v1+; v0 callers pass the session timeout, as Kafka does.
 * @param sessionTimeoutMs     the session timeout.
 * @param protocolType         e.g. "consumer".
 * @param protocols            the member's protocols in order of preference.
 * @param requireKnownMemberId true for JoinGroup v4+: a first join gets MEMBER_ID_REQUIRED and a member id.
 * @param supportsSkipAssignment true for JoinGroup v9+ (KIP-814): a static leader that rejoins a Stable group
 *                             without changing its protocol gets the members and skipAssignment; older callers get
 *                             no members and the previous leader id, so they never act as leader then.
 */
public record JoinGroupRequest(String groupId, String memberId, String groupInstanceId, String clientId,
                               String clientHost, int rebalanceTimeoutMs, int sessionTimeoutMs, String protocolType,
                               List<Protocol> protocols, boolean requireKnownMemberId,
                               boolean supportsSkipAssignment) {
}
