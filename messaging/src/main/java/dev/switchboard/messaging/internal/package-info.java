/**
 * Pieces shared by the client, the hub and the transports that are not public API: subject syntax
 * and matching ({@link dev.switchboard.messaging.internal.Subjects}). Other modules must not import
 * it.
 */
@NullMarked
package dev.switchboard.messaging.internal;

import org.jspecify.annotations.NullMarked;
