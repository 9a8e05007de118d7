/**
 * Test support shared by the log-segment tests and, through the test-jar, by the modules above.
 */
package keel.log.testing;
