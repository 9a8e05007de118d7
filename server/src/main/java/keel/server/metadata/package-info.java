/**
 * Broker metadata on one node: topics (names, stable ids, partition counts, topic-level configuration) persisted in
 * the data directory, the partitions that serve them, and producer id allocation. No Kafka client classes here: the
 * protocol package translates.
 */
package keel.server.metadata;
