/**
 * The Kafka wire protocol: the only package of Keel that imports {@code org.apache.kafka}. It decodes requests with
 * kafka-clients' generated message classes, runs them against the topic manager, the partitions and the purgatories,
 * and encodes responses, with record data zero-copy in both directions (produce appends a slice of the request frame;
 * fetch sends file regions with {@code FileChannel.transferTo}). Upgrading kafka-clients touches only this package.
 */
package keel.server.protocol;
