// Keel consumer-group test for kafkajs 2.x (npm): consume through a group, commit, resume.
// Usage: node kafkajs_group.js BOOTSTRAP TOPIC GROUP FIRST SECOND (with kafkajs on NODE_PATH)
// Writes FIRST records over the topic's 2 partitions, reads them all through a consumer in GROUP ("REC1 <key>
// <value>" each), commits and disconnects; writes SECOND more and reads them with a second consumer in the same group
// ("REC2 <key> <value>" each). Then the admin client: "GROUPS <group> <protocol type>" per listed group, "DESCRIBED
// <group> <state> <members>", "COMMITTED <partition> <offset>" per partition.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, group, firstText, secondText] = process.argv.slice(2);
const first = parseInt(firstText, 10);
const second = parseInt(secondText, 10);
const kafka = new Kafka({ clientId: 'keel-group', brokers: [bootstrap], logLevel: logLevel.WARN,
  retry: { retries: 5 } });

async function produce(start, end) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = start; i < end; i++) {
    messages.push({ key: 'key-' + i, value: 'value-' + i, partition: i % 2 });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

async function consume(tag, expected) {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 1000,
    maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const next = {};
  let read = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => {
    console.log(tag, message.key.toString(), message.value.toString());
    next[partition] = (BigInt(message.offset) + 1n).toString();
    read++;
    if (read >= expected) {
      done();
    }
  } });
  const timeout = setTimeout(done, 30000);
  await finished;
  clearTimeout(timeout);
  await consumer.commitOffsets(Object.entries(next).map(([partition, offset]) =>
    ({ topic, partition: Number(partition), offset })));
  await consumer.disconnect();
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await produce(0, first);
  await consume('REC1', first);
  await produce(first, first + second);
  await consume('REC2', second);
  for (const listed of (await admin.listGroups()).groups) {
    console.log('GROUPS', listed.groupId, listed.protocolType);
  }
  for (const described of (await admin.describeGroups([group])).groups) {
    console.log('DESCRIBED', described.groupId, described.state, described.members.length);
  }
  for (const fetched of await admin.fetchOffsets({ groupId: group, topics: [topic] })) {
    for (const p of fetched.partitions.sort((a, b) => a.partition - b.partition)) {
      console.log('COMMITTED', p.partition, p.offset);
    }
  }
  await admin.disconnect();
}

main().then(() => process.exit(0), (err) => {
  console.error('FAILED', err);
  process.exit(1);
});
