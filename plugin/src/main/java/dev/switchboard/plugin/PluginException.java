package dev.switchboard.plugin;

/**
 * A plugin could not be started or reached: the message says what went wrong and, where the plugin
 * wrote anything, ends with the last lines of its stderr.
 */
public final class PluginException extends Exception {
  private static final long serialVersionUID = 1L;

  public PluginException(String message) {
    super(message);
  }

  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
