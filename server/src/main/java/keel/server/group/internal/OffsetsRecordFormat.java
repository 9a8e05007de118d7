package keel.server.group.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of {@code __consumer_offsets} records, in Kafka's own layouts (the schemas Kafka publishes as
 * {@code OffsetCommitKey/Value} and {@code GroupMetadataKey/Value}), written by hand so that Keel's offsets log is
 * readable by Kafka's tools and Kafka's is readable by Keel. Keel writes the newest non-flexible versions and reads
 * every non-flexible one. All integers big-endian; a string is an int16 length then UTF-8 (-1 for null); bytes are an
 * int32 length then the bytes. Stateless: thread-safe.
 *
 * <pre>
 * key                                   value (null value = tombstone: the offset or the group is deleted)
 * OffsetCommitKey v1                    OffsetCommitValue v3
 *   int16  version (0 or 1)               int16 version = 3
 *   string group                          int64 offset
 *   string topic                          int32 leaderEpoch (-1 none)      (v3+)
 *   int32  partition                      string metadata
 *                                         int64 commitTimestamp
 *                                         (v1 only: int64 expireTimestamp, after commitTimestamp)
 * GroupMetadataKey v2                   GroupMetadataValue v3
 *   int16  version = 2                    int16 version = 3
 *   string group                          string protocolType
 *                                         int32  generation
 *                                         string protocol (nullable)
 *                                         string leader (nullable)
 *                                         int64  currentStateTimestamp     (v2+)
 *                                         int32  member count, then per member:
 *                                           string memberId
 *                                           string groupInstanceId (nullable)  (v3+)
 *                                           string clientId
 *                                           string clientHost
 *                                           int32  rebalanceTimeout        (v1+)
 *                                           int32  sessionTimeout
 *                                           bytes  subscription
 *                                           bytes  assignment
 * </pre>
 */
public final class OffsetsRecordFormat {
    /** Key version of an offset commit (Kafka writes 1; 0 has the same layout). */
    public static final short OFFSET_COMMIT_KEY_VERSION = 1;
    /** Key version of group metadata. */
    public static final short GROUP_METADATA_KEY_VERSION = 2;
    /** Value version Keel writes for an offset commit. */
    public static final short OFFSET_COMMIT_VALUE_VERSION = 3;
    /** Value version Keel writes for group metadata. */
    public static final short GROUP_METADATA_VALUE_VERSION = 3;

    private OffsetsRecordFormat() {
    }

    /**
     * A decoded key.
     *
     * @param isOffset  true for an offset commit key, false for a group metadata key.
     * @param group     the group id.
     * @param topic     the topic (offset keys), or null.
     * @param partition the partition (offset keys), or -1.
     */
    public record Key(boolean isOffset, String group, String topic, int partition) {
    }

    /**
     * A decoded offset commit value.
     *
     * @param offset            the offset.
     * @param leaderEpoch       the leader epoch or -1.
     * @param metadata          the metadata string.
     * @param commitTimestampMs the commit time.
     */
    public record OffsetValue(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    }

    /**
     * A group metadata value.
     *
     * @param protocolType          the protocol type ("" if none).
     * @param generation            the generation.
     * @param protocol              the selected protocol, or null.
     * @param leader                the leader, or null.
     * @param currentStateTimestamp when the group entered its state (-1 unknown).
     * @param members               the members.
     */
    public record GroupValue(String protocolType, int generation, String protocol, String leader,
                             long currentStateTimestamp, List<MemberValue> members) {
    }

    /**
     * A member inside a group metadata value.
     *
     * @param memberId           the member id.
     * @param groupInstanceId    the static instance id, or null.
     * @param clientId           the client id.
     * @param clientHost         the client host.
     * @param rebalanceTimeoutMs the rebalance timeout.
     * @param sessionTimeoutMs   the session timeout.
     * @param subscription       the metadata of the selected protocol.
     * @param assignment         the assignment.
     */
    public record MemberValue(String memberId, String groupInstanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /**
     * @param group     the group id.
     * @param topic     the topic.
     * @param partition the partition.
     * @return the key of an offset commit record.
     */
    public static byte[] offsetKey(final String group, final String topic, final int partition) {
        final byte[] g = utf8(group);
        final byte[] t = utf8(topic);
        final ByteBuffer buffer = ByteBuffer.allocate(2 + 2 + g.length + 2 + t.length + 4);
        buffer.putShort(OFFSET_COMMIT_KEY_VERSION);
        putString(buffer, g);
        putString(buffer, t);
        buffer.putInt(partition);
        return buffer.array();
    }

    /**
     * @param group the group id.
     * @return the key of a group metadata record.
     */
    public static byte[] groupKey(final String group) {
        final byte[] g = utf8(group);
        final ByteBuffer buffer = ByteBuffer.allocate(2 + 2 + g.length);
        buffer.putShort(GROUP_METADATA_KEY_VERSION);
        putString(buffer, g);
        return buffer.array();
    }

    /**
     * @param offset            the offset.
     * @param leaderEpoch       the leader epoch, or -1.
     * @param metadata          the metadata string (null is written as "").
     * @param commitTimestampMs the commit time.
     * @return the value of an offset commit record (version 3).
     */
    public static byte[] offsetValue(final long offset, final int leaderEpoch, final String metadata,
                                     final long commitTimestampMs) {
        final byte[] m = utf8(metadata == null ? "" : metadata);
        final ByteBuffer buffer = ByteBuffer.allocate(2 + 8 + 4 + 2 + m.length + 8);
        buffer.putShort(OFFSET_COMMIT_VALUE_VERSION);
        buffer.putLong(offset);
        buffer.putInt(leaderEpoch);
        putString(buffer, m);
        buffer.putLong(commitTimestampMs);
        return buffer.array();
    }

    /**
     * @param value the group.
     * @return the value of a group metadata record (version 3).
     */
    public static byte[] groupValue(final GroupValue value) {
        final byte[] protocolType = utf8(value.protocolType() == null ? "" : value.protocolType());
        final byte[] protocol = value.protocol() == null ? null : utf8(value.protocol());
        final byte[] leader = value.leader() == null ? null : utf8(value.leader());
        long size = 2 + 2 + protocolType.length + 4 + stringSize(protocol) + stringSize(leader) + 8 + 4;
        final List<byte[][]> encoded = new ArrayList<>(value.members().size());
        for (final MemberValue member : value.members()) {
            final byte[][] strings = {utf8(member.memberId()),
                member.groupInstanceId() == null ? null : utf8(member.groupInstanceId()),
                utf8(member.clientId()), utf8(member.clientHost())};
            encoded.add(strings);
            for (final byte[] string : strings) {
                size += stringSize(string);
            }
            size += 4 + 4 + 4 + member.subscription().length + 4 + member.assignment().length;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("group metadata of " + size + " bytes is over 2 GiB");
        }
        final ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.putShort(GROUP_METADATA_VALUE_VERSION);
        putString(buffer, protocolType);
        buffer.putInt(value.generation());
        putString(buffer, protocol);
        putString(buffer, leader);
        buffer.putLong(value.currentStateTimestamp());
        buffer.putInt(value.members().size());
        for (int i = 0; i < value.members().size(); i++) {
            final MemberValue member = value.members().get(i);
            final byte[][] strings = encoded.get(i);
            putString(buffer, strings[0]);
            putString(buffer, strings[1]);
            putString(buffer, strings[2]);
            putString(buffer, strings[3]);
            buffer.putInt(member.rebalanceTimeoutMs());
            buffer.putInt(member.sessionTimeoutMs());
            buffer.putInt(member.subscription().length).put(member.subscription());
            buffer.putInt(member.assignment().length).put(member.assignment());
        }
        return buffer.array();
    }

    /**
     * @param key a record key; read from its position to its limit, position not changed.
     * @return the decoded key, or null for a key version Keel does not know (Kafka's newer record types, skipped).
     * @throws IllegalArgumentException when the key is malformed.
     */
    public static Key decodeKey(final ByteBuffer key) {
        final ByteBuffer buffer = key.duplicate();
        final short version = buffer.getShort();
        if (version == 0 || version == 1) {
            final String group = getString(buffer, false);
            final String topic = getString(buffer, false);
            return new Key(true, group, topic, buffer.getInt());
        }
        if (version == 2) {
            return new Key(false, getString(buffer, false), null, -1);
        }
        return null;
    }

    /**
     * @param value an offset commit value.
     * @return the decoded value.
     * @throws IllegalArgumentException for a version Keel cannot read (4+ is flexible).
     */
    public static OffsetValue decodeOffsetValue(final ByteBuffer value) {
        final ByteBuffer buffer = value.duplicate();
        final short version = buffer.getShort();
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("OffsetCommitValue version " + version + " is not readable (0..3)");
        }
        final long offset = buffer.getLong();
        final int leaderEpoch = version >= 3 ? buffer.getInt() : -1;
        final String metadata = getString(buffer, false);
        final long commitTimestamp = buffer.getLong();
        return new OffsetValue(offset, leaderEpoch, metadata, commitTimestamp);
    }

    /**
     * @param value a group metadata value.
     * @return the decoded value.
     * @throws IllegalArgumentException for a version Keel cannot read (4+ is flexible) or a malformed value.
     */
    public static GroupValue decodeGroupValue(final ByteBuffer value) {
        final ByteBuffer buffer = value.duplicate();
        final short version = buffer.getShort();
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("GroupMetadataValue version " + version + " is not readable (0..3)");
        }
        final String protocolType = getString(buffer, false);
        final int generation = buffer.getInt();
        final String protocol = getString(buffer, true);
        final String leader = getString(buffer, true);
        final long currentStateTimestamp = version >= 2 ? buffer.getLong() : -1L;
        final int count = buffer.getInt();
        if (count < 0 || count > buffer.remaining()) {
            throw new IllegalArgumentException("GroupMetadataValue member count " + count + " with "
                + buffer.remaining() + " bytes left");
        }
        final List<MemberValue> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String memberId = getString(buffer, false);
            final String instanceId = version >= 3 ? getString(buffer, true) : null;
            final String clientId = getString(buffer, false);
            final String clientHost = getString(buffer, false);
            final int sessionOrRebalance = buffer.getInt();
            final int rebalanceTimeout;
            final int sessionTimeout;
            if (version >= 1) {
                rebalanceTimeout = sessionOrRebalance;
                sessionTimeout = buffer.getInt();
            } else {
                rebalanceTimeout = sessionOrRebalance;
                sessionTimeout = sessionOrRebalance;
            }
            members.add(new MemberValue(memberId, instanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout,
                getBytes(buffer), getBytes(buffer)));
        }
        return new GroupValue(protocolType, generation, protocol, leader, currentStateTimestamp, members);
    }

    private static byte[] utf8(final String value) {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is over " + Short.MAX_VALUE);
        }
        return bytes;
    }

    private static int stringSize(final byte[] utf8) {
        return 2 + (utf8 == null ? 0 : utf8.length);
    }

    private static void putString(final ByteBuffer buffer, final byte[] utf8) {
        if (utf8 == null) {
            buffer.putShort((short) -1);
        } else {
            buffer.putShort((short) utf8.length);
            buffer.put(utf8);
        }
    }

    private static String getString(final ByteBuffer buffer, final boolean nullable) {
        final short length = buffer.getShort();
        if (length < 0) {
            if (nullable && length == -1) {
                return null;
            }
            throw new IllegalArgumentException("string length " + length + " at position " + (buffer.position() - 2));
        }
        if (length > buffer.remaining()) {
            throw new IllegalArgumentException("string length " + length + " with " + buffer.remaining()
                + " bytes left");
        }
        final String value = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
            StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return value;
    }

    private static byte[] getBytes(final ByteBuffer buffer) {
        final int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("bytes length " + length + " with " + buffer.remaining()
                + " bytes left");
        }
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
