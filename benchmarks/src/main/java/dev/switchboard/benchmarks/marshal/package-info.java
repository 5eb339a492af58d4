/**
 * JMH: the cost of serving messages as {@link com.google.protobuf.DynamicMessage} (what a dynamic
 * service does) against generated message classes, on AsyncClient's request type.
 */
@NullMarked
package dev.switchboard.benchmarks.marshal;

import org.jspecify.annotations.NullMarked;
