// Keel smoke test for kafkajs 2.x (npm): admin, produce, consume.
// Usage: node kafkajs_smoke.js BOOTSTRAP TOPIC COUNT (with kafkajs on NODE_PATH)
// Prints "ADMIN <topic> <partitions>" after creating the topic and "REC <offset> <key> <value>" per record read back.
// kafkajs's consumer works only in a consumer group, so records are read back through a group of their own.
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

  const consumer = kafka.consumer({ groupId: topic + '-smoke', sessionTimeout: 10000,
    heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let read = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({ eachMessage: async ({ partition, message }) => {
    if (partition === 0) {
      console.log('REC', message.offset, message.key.toString(), message.value.toString());
      read++;
      if (read >= count) {
        done();
      }
    }
  } });
  const timeout = setTimeout(done, 30000);
  await finished;
  clearTimeout(timeout);
  await consumer.disconnect();
}

main().then(() => process.exit(0), (err) => {
  console.error('FAILED', err);
  process.exit(1);
});
