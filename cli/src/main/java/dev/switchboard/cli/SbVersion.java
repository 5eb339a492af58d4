package dev.switchboard.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build), or "development" when run from classes. */
final class SbVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Sb.class.getPackage().getImplementationVersion();
    return new String[] {"sb " + (version == null ? "(development build)" : version)};
  }
}
