/**
 * Internals of the log engine: producer state, segment plumbing and file formats.
 *
 * <p><b>Not API.</b> Classes here may change or disappear in any release; embedders use {@code keel.log} only.
 * Some types are public solely so that {@code keel.log} can call them across the package boundary.
 */
package keel.log.internal;
