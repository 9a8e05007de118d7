/**
 * Keel's non-blocking network layer: an acceptor, a few selector (network) threads, Kafka's framing (an int32 size
 * before every request and response), responses in request order per connection, and the limits that keep bad
 * input from hurting the server. It knows nothing of the Kafka protocol beyond the size prefix.
 */
package keel.server.network;
