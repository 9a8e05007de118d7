/**
 * The Kafka-compatible broker: network layer, protocol codec, request handlers.
 * Built by the broker issue.
 */
package keel.server;
