/**
 * The bridge's machinery, not for use outside the module: the value checker, WAVE and JSON codecs,
 * the protobuf codec, the gRPC and HTTP transports, parameter serialisation, client-side validation
 * and error mapping.
 */
@NullMarked
package dev.switchboard.bridge.internal;

import org.jspecify.annotations.NullMarked;
