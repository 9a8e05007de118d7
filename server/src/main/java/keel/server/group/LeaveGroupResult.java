package keel.server.group;

import java.util.List;

/**
 * The answer to a LeaveGroup. Immutable.
 *
 * @param error        the top-level {@link GroupErrors} code.
 * @param memberErrors one code per member of the request, in its order (v3+ reports them; v0-v2 callers report the
 *                     first one as the top-level error, as Kafka does).
 */
public record LeaveGroupResult(short error, List<Short> memberErrors) {
}
