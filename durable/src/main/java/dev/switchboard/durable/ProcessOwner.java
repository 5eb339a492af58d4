package dev.switchboard.durable;

import java.util.Optional;

/**
 * Names this process as a lease owner, {@code host/pid/start-millis}, and tells whether an owner so
 * named is a process on this host that is no longer running. The start time guards against a
 * recycled process id.
 */
record ProcessOwner(String host, long pid, long startMillis) {

  static ProcessOwner current(String host) {
    ProcessHandle self = ProcessHandle.current();
    return new ProcessOwner(host, self.pid(), startMillis(self));
  }

  String id() {
    return host + "/" + pid + "/" + startMillis;
  }

  boolean isDeadLocalProcess(String ownerId) {
    String[] parts = ownerId.split("/");
    if (parts.length != 3 || !parts[0].equals(host)) {
      return false;
    }
    long otherPid;
    long otherStart;
    try {
      otherPid = Long.parseLong(parts[1]);
      otherStart = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    if (otherPid == pid && otherStart == startMillis) {
      return false;
    }
    Optional<ProcessHandle> other = ProcessHandle.of(otherPid);
    if (other.isEmpty() || !other.get().isAlive()) {
      return true;
    }
    long start = startMillis(other.get());
    return start != 0 && otherStart != 0 && start != otherStart;
  }

  private static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
  }
}
