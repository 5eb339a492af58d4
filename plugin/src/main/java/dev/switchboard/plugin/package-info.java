/**
 * go-plugin compatible plugins on the JVM.
 *
 * <p>Plugin side: {@link dev.switchboard.plugin.PluginServer} serves the services that {@link
 * dev.switchboard.plugin.PluginProtocol}s register, per protocol version, and speaks go-plugin's
 * handshake, AutoMTLS, broker, controller and stdio. Host side: {@link
 * dev.switchboard.plugin.PluginClient} launches any go-plugin plugin (Go, Python, Java),
 * negotiates, hands out channels and stubs, and kills the whole process tree when done. {@link
 * dev.switchboard.plugin.PluginSettings} reads pyvider's {@code PLUGIN_*} variables.
 */
@NullMarked
package dev.switchboard.plugin;

import org.jspecify.annotations.NullMarked;
