/**
 * The protoc plugin {@code protoc-gen-switchboard-messaging}: {@link
 * dev.switchboard.messaging.codegen.ProtocPlugin} reads protoc's CodeGeneratorRequest on stdin and
 * writes, for each service, a {@code <Service>Messaging} class with a typed client and a server
 * stub on {@link dev.switchboard.messaging.TypedMessaging}. {@link
 * dev.switchboard.messaging.codegen.JavaNames} knows where protoc's Java generator puts each
 * message class.
 */
@NullMarked
package dev.switchboard.messaging.codegen;

import org.jspecify.annotations.NullMarked;
