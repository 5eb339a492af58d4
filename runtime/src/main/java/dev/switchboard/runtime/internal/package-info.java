/**
 * Machinery behind the runtime's builders: the {@link com.google.protobuf.DynamicMessage}
 * marshaller, gRPC method descriptors built from protobuf descriptors, event loops per transport,
 * TLS contexts and PEM handling. Other modules must not import this package.
 */
@NullMarked
package dev.switchboard.runtime.internal;

import org.jspecify.annotations.NullMarked;
