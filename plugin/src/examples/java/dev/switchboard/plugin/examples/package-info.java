/**
 * Runnable examples, one {@code main} per file: a Java plugin and a Java host for go-plugin's
 * {@code examples/grpc} KV contract, and a counter plugin and host that use the broker so the
 * plugin calls back a service the host offers. {@code ExamplesIT} runs each.
 *
 * <p>They are a source set of their own ({@code src/examples}), compiled with the tests and not
 * part of the plugin library's jar. {@code target/kv-plugin.jar}, which {@code bin/kv-plugin}
 * starts, is the library with these classes; {@link KvPluginWarmup} trains its class-data-sharing
 * archive.
 */
@NullMarked
package dev.switchboard.plugin.examples;

import org.jspecify.annotations.NullMarked;
