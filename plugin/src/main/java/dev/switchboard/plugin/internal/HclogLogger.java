package dev.switchboard.plugin.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that writes hclog JSON lines, so code inside a plugin can log the way a go-plugin
 * host expects to read it (the host re-logs each line at its level).
 */
public final class HclogLogger extends AbstractLogger {
  private static final long serialVersionUID = 1L;

  private final transient Hclog hclog;

  public HclogLogger(String name, Hclog hclog) {
    this.name = name;
    this.hclog = hclog;
  }

  @Override
  protected @Nullable String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level,
      @Nullable Marker marker,
      @Nullable String messagePattern,
      Object @Nullable [] arguments,
      @Nullable Throwable throwable) {
    String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
    List<Object> pairs = new ArrayList<>();
    if (throwable != null) {
      StringWriter trace = new StringWriter();
      throwable.printStackTrace(new PrintWriter(trace));
      pairs.add("error");
      pairs.add(throwable.toString());
      pairs.add("stacktrace");
      pairs.add(trace.toString());
    }
    hclog.log(map(level), name, message == null ? "" : message, pairs.toArray());
  }

  private static Hclog.Level map(Level level) {
    return switch (level) {
      case TRACE -> Hclog.Level.TRACE;
      case DEBUG -> Hclog.Level.DEBUG;
      case INFO -> Hclog.Level.INFO;
      case WARN -> Hclog.Level.WARN;
      case ERROR -> Hclog.Level.ERROR;
    };
  }

  @Override
  public boolean isTraceEnabled() {
    return hclog.enabled(Hclog.Level.TRACE);
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return isTraceEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return hclog.enabled(Hclog.Level.DEBUG);
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return hclog.enabled(Hclog.Level.INFO);
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return isInfoEnabled();
  }

  @Override
  public boolean isWarnEnabled() {
    return hclog.enabled(Hclog.Level.WARN);
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return isWarnEnabled();
  }

  @Override
  public boolean isErrorEnabled() {
    return hclog.enabled(Hclog.Level.ERROR);
  }

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return isErrorEnabled();
  }
}
