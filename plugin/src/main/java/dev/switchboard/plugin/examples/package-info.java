/**
 * Runnable examples, one {@code main} per file: a Java plugin and a Java host for go-plugin's
 * {@code examples/grpc} KV contract, and a counter plugin and host that use the broker so the
 * plugin calls back a service the host offers. {@code bin/kv-plugin} starts {@link KvPlugin}.
 */
@NullMarked
package dev.switchboard.plugin.examples;

import org.jspecify.annotations.NullMarked;
