/**
 * Direct-mapped JNA bindings to glibc, one class per header ({@code LibC}, {@code Signals}, {@code Spawn}),
 * with constants named as in the headers and failures turned into {@link org.wsbridge.process.posix.PosixException}
 * at the boundary. Target: Linux x86_64 and aarch64 with glibc; struct sizes are allocated generously.
 * Pipe reads and writes do not pass through here: they use Netty's native {@code FileDescriptor}.
 */
package org.wsbridge.process.posix;
