/**
 * The Kafka-compatible broker: {@link keel.server.KeelServer} composes the logs, the topics
 * ({@code keel.server.metadata}), the protocol layer ({@code keel.server.protocol}, the only package that imports
 * kafka-clients) and the network layer ({@code keel.server.network}); {@link keel.server.KeelConfig} holds its
 * configuration with Kafka's key names. See docs/broker.md.
 */
package keel.server;
