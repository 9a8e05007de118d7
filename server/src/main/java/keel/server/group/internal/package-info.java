/**
 * Internals of the group coordinator: the record layouts of {@code __consumer_offsets} and the per-group state.
 * Not API: only {@code keel.server.group} uses it.
 */
package keel.server.group.internal;
