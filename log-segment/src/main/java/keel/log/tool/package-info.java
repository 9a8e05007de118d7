/**
 * {@code keel-log}, the command-line tool for partition directories and segment files ({@code bin/keel-log.sh},
 * modelled on Kafka's {@code kafka-dump-log}): {@code append} stdin lines as records, {@code dump} batches, records
 * and index entries, {@code verify} a directory read-only, and {@code recover} it as after a crash. Entry point:
 * {@link keel.log.tool.LogTool}. It uses only the public API of {@code keel.log} and {@code keel.index}; the
 * read-only commands never open a log through {@link keel.log.Log}, which would recover and trim it.
 *
 * <p>The classes are a tool, not an API: everything but {@link keel.log.tool.LogTool} is package-private.
 */
package keel.log.tool;
