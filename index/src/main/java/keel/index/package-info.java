/**
 * Kafka's sparse segment indexes, byte for byte: the offset index ({@code .index}, {@link keel.index.OffsetIndex})
 * and the time index ({@code .timeindex}, {@link keel.index.TimeIndex}), memory-mapped, preallocated with real
 * blocks ({@link keel.index.FileAllocator}), searched without locks or allocation. Also the segment file names
 * ({@link keel.index.SegmentFileNames}) and mapping helpers ({@link keel.index.MappedFiles}) the log uses.
 */
package keel.index;
