package keel.server.group;

/**
 * The answer to a SyncGroup. Immutable by convention.
 *
 * @param error        a {@link GroupErrors} code.
 * @param protocolType the group's protocol type (v5+), or null.
 * @param protocolName the group's protocol (v5+), or null.
 * @param assignment   the member's assignment; empty on error.
 */
public record SyncGroupResult(short error, String protocolType, String protocolName, byte[] assignment) {
    private static final byte[] EMPTY = new byte[0];

    /**
     * @param error the error.
     * @return an error result with an empty assignment.
     */
    public static SyncGroupResult error(final short error) {
        return new SyncGroupResult(error, null, null, EMPTY);
    }
}
