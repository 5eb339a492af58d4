package dev.switchboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.LoggerFactory;

/**
 * Logging for the programs here ({@code sb}, {@code titan}). Logback finds this class through
 * {@code META-INF/services} and sets its defaults in code rather than from XML (it starts faster
 * and a stray logback.xml on the class path cannot change it): everything to stderr, WARN and
 * above, so stdout carries only results.
 *
 * <p>{@link #level} is for {@code main} methods only, after they have parsed the command line
 * ({@code --debug-log}, or a server that logs at INFO): a level is process-wide state, which no
 * command or library class changes.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  private static final String[] CHATTY = {"io.grpc", "io.netty", "oshi"};

  public LogSetup() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(appender);
    // Libraries' INFO chatter stays out of a server's INFO log; DEBUG shows it (see level()).
    for (String chatty : CHATTY) {
      context.getLogger(chatty).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Sets the level of everything logged: SLF4J (through logback) and grpc-java's and netty's own
   * {@code java.util.logging}, which is kept one step quieter because it reports transport detail
   * that only matters when debugging (DEBUG shows it all). For {@code main} methods only.
   */
  public static void level(Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(level);
    for (String chatty : CHATTY) {
      context.getLogger(chatty).setLevel(level.isGreaterOrEqual(Level.INFO) ? Level.WARN : null);
    }
    java.util.logging.Level jul =
        level.isGreaterOrEqual(Level.WARN)
            ? java.util.logging.Level.SEVERE
            : level.isGreaterOrEqual(Level.INFO)
                ? java.util.logging.Level.WARNING
                : java.util.logging.Level.FINE;
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.setLevel(jul);
    for (java.util.logging.Handler handler : root.getHandlers()) {
      handler.setLevel(jul);
    }
  }
}
