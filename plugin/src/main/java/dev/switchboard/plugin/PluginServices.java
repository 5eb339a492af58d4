package dev.switchboard.plugin;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * What a {@link PluginProtocol} registers into: generated services ({@link BindableService}),
 * definitions built at run time (a {@link ServerServiceDefinition}, for example one served
 * dynamically from a loaded contract), the broker for callbacks, and a logger that writes the hclog
 * lines the host re-logs.
 */
public final class PluginServices {
  private final List<ServerServiceDefinition> services = new ArrayList<>();
  private final PluginBroker broker;
  private final int protocolVersion;
  private final java.util.function.Function<String, Logger> loggers;

  PluginServices(
      PluginBroker broker,
      int protocolVersion,
      java.util.function.Function<String, Logger> loggers) {
    this.broker = broker;
    this.protocolVersion = protocolVersion;
    this.loggers = loggers;
  }

  public PluginServices service(BindableService service) {
    return service(service.bindService());
  }

  /**
   * A service served from a loaded contract (runtime's dynamic services); visible to reflection.
   */
  public PluginServices service(dev.switchboard.runtime.DynamicService service) {
    return service(service.definition());
  }

  public PluginServices service(ServerServiceDefinition service) {
    String name = service.getServiceDescriptor().getName();
    for (ServerServiceDefinition existing : services) {
      if (existing.getServiceDescriptor().getName().equals(name)) {
        throw new IllegalArgumentException("service " + name + " is registered twice");
      }
    }
    services.add(service);
    return this;
  }

  /** Extra connections to and from the host. */
  public PluginBroker broker() {
    return broker;
  }

  /** The negotiated application protocol version. */
  public int protocolVersion() {
    return protocolVersion;
  }

  /** A logger whose lines the host re-logs at their level (hclog JSON on stderr). */
  public Logger logger(String name) {
    return loggers.apply(name);
  }

  List<ServerServiceDefinition> definitions() {
    return List.copyOf(services);
  }
}
