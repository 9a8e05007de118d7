/**
 * The keel-perf command line ({@code bin/keel-perf.sh}): produce, consume, e2e, limits, engine and compare, with
 * the human table, the JSON report and the PNG charts of a run.
 */
package keel.perf.cli;
