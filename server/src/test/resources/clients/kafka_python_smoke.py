"""Keel smoke test for kafka-python (Debian python3-kafka): admin, produce, consume.

Usage: kafka_python_smoke.py BOOTSTRAP TOPIC COUNT
Prints "ADMIN <topic> <partitions>" after creating the topic and "REC <offset> <key> <value>" per record read back.
"""
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
admin.create_topics([NewTopic(name=topic, num_partitions=2, replication_factor=1)], timeout_ms=15000)
consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=15000, consumer_timeout_ms=15000,
                         enable_auto_commit=False)
print("ADMIN", topic, len(consumer.partitions_for_topic(topic)), flush=True)
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", compression_type="gzip", linger_ms=5)
futures = [producer.send(topic, key=b"key-%d" % i, value=b"value-%d" % i, partition=0) for i in range(count)]
producer.flush(timeout=30)
for future in futures:
    future.get(timeout=30)
producer.close(timeout=30)

partition = TopicPartition(topic, 0)
consumer.assign([partition])
consumer.seek_to_beginning(partition)
read = 0
for message in consumer:
    print("REC", message.offset, message.key.decode(), message.value.decode(), flush=True)
    read += 1
    if read == count:
        break
consumer.close()
