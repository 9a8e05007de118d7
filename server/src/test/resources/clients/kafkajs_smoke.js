// Keel smoke test for kafkajs 2.x (npm): admin, produce, fetch.
// Usage: node kafkajs_smoke.js BOOTSTRAP TOPIC COUNT (with kafkajs on NODE_PATH)
// Prints "ADMIN <topic> <partitions>" after creating the topic and "REC <offset> <key> <value>" per record read back.
// kafkajs's consumer works only in a consumer group, which Keel does not serve yet, so records are read back with
// the Fetch request of kafkajs's own broker connection (the one its consumer uses), reached through its cluster.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = parseInt(countText, 10);
const kafka = new Kafka({ clientId: 'keel-smoke', brokers: [bootstrap], logLevel: logLevel.WARN,
  retry: { retries: 5 } });

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  console.log('ADMIN', metadata.topics[0].name, metadata.topics[0].partitions.length);
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ key: 'key-' + i, value: 'value-' + i, partition: 0 });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();

  const createCluster = Object.getOwnPropertySymbols(kafka).find((s) => s.toString().includes('createCluster'));
  const cluster = kafka[createCluster]({});
  await cluster.connect();
  await cluster.addTargetTopic(topic);
  const leader = cluster.findTopicPartitionMetadata(topic).find((p) => p.partitionId === 0).leader;
  const broker = await cluster.findBroker({ nodeId: leader });
  let next = 0;
  const deadline = Date.now() + 30000;
  while (next < count && Date.now() < deadline) {
    const response = await broker.fetch({ replicaId: -1, isolationLevel: 1, maxWaitTime: 500, minBytes: 1,
      maxBytes: 1048576, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: String(next),
        maxBytes: 1048576 }] }] });
    const partition = response.responses[0].partitions[0];
    if (partition.errorCode !== 0) {
      throw new Error('fetch error code ' + partition.errorCode);
    }
    for (const message of partition.messages) {
      if (Number(message.offset) >= next) {
        console.log('REC', message.offset, message.key.toString(), message.value.toString());
        next = Number(message.offset) + 1;
      }
    }
  }
  await cluster.disconnect();
}

main().then(() => process.exit(0), (err) => {
  console.error('FAILED', err);
  process.exit(1);
});
