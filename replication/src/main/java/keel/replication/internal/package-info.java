/**
 * Internals of the replication layer: the leader-epoch cache and its checkpoint file, the high-watermark
 * checkpoint file, and the replica fetcher. Not API: the server and the cluster layer use only
 * {@code keel.replication}.
 */
package keel.replication.internal;
