package dev.switchboard.plugin;

import dev.switchboard.plugin.internal.Hclog;
import dev.switchboard.plugin.internal.HclogLogger;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's binding for a plugin process: every logger, the plugin's own and its libraries' (this
 * module's runtime, netty's when it finds SLF4J), writes hclog JSON lines to the process's stderr,
 * which go-plugin hosts re-log at their level under the plugin's name. The lowest level written is
 * {@code PLUGIN_LOG_LEVEL} (INFO), as for {@link PluginServices#logger(String)}.
 *
 * <p>It is not registered through {@code META-INF/services}, so a host application that uses this
 * module keeps its own binding. A plugin's {@code main} selects it before anything logs:
 *
 * <pre>{@code
 * System.setProperty("slf4j.provider", HclogServiceProvider.class.getName());
 * }</pre>
 *
 * or the plugin's launcher passes {@code
 * -Dslf4j.provider=dev.switchboard.plugin.HclogServiceProvider}.
 */
public final class HclogServiceProvider implements SLF4JServiceProvider {
  /** The SLF4J API version this binding was written for. */
  private static final String API_VERSION = "2.0.99";

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private volatile ILoggerFactory loggers = name -> NOPLogger.NOP_LOGGER;

  /** Called by SLF4J's service loading. */
  public HclogServiceProvider() {}

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return API_VERSION;
  }

  @Override
  public void initialize() {
    Hclog.Level threshold;
    try {
      threshold = Hclog.Level.valueOf(PluginSettings.level(System.getenv()));
    } catch (IllegalArgumentException e) {
      // PluginServer reports the bad value; logging goes on at the default level.
      threshold = Hclog.Level.INFO;
    }
    // The real stderr, not System.err: a serving plugin hands System.err to GRPCStdio.
    Hclog hclog =
        new Hclog(
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            threshold);
    Map<String, Logger> byName = new ConcurrentHashMap<>();
    loggers = name -> byName.computeIfAbsent(name, module -> new HclogLogger(module, hclog));
  }
}
