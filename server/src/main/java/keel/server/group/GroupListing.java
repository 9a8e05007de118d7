package keel.server.group;

/**
 * One group of ListGroups. Immutable.
 *
 * @param groupId      the group.
 * @param protocolType its protocol type, "" for a standalone group.
 * @param state        its state.
 */
public record GroupListing(String groupId, String protocolType, GroupState state) {
}
