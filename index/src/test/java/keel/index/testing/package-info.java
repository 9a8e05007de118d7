/**
 * Test support shared with the modules above (shipped in the test-jar): external-command helpers, allocated-block
 * checks, a tmpfs fixture for full-disk tests and a fault-injecting {@link keel.index.FileAllocator}.
 */
package keel.index.testing;
