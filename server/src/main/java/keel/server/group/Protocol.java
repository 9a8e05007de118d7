package keel.server.group;

/**
 * One protocol a member supports in JoinGroup (for consumers: an assignor name and its subscription bytes).
 * Immutable by convention: the coordinator never changes the array.
 *
 * @param name     the protocol name, e.g. "range" or "cooperative-sticky".
 * @param metadata the opaque protocol metadata.
 */
public record Protocol(String name, byte[] metadata) {
}
