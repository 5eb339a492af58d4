package dev.switchboard.messaging;

import dev.switchboard.messaging.internal.Subjects;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which subjects each identity may publish to and subscribe to, as NATS allow lists: each entry is
 * a subject filter ({@code orders.>}, {@code prices.*}); anything not allowed is refused with
 * {@code PERMISSION_DENIED}.
 *
 * <p>What counts as which: <b>publish</b> covers publishing, requesting, pushing to a queue (the
 * queue name), broadcasting (the group name) and notifying (the peer name); <b>subscribe</b> covers
 * subscribing, responding, consuming a queue and joining a group. A subscription filter is allowed
 * when every subject it can match is allowed ({@code orders.*} under {@code orders.>}). Listening
 * for one's own notifications is always allowed.
 *
 * <p>The identity is the client certificate's subject common name under mTLS, or the identity
 * mapped to the client's bearer token; a client with neither is {@value #ANONYMOUS}. With
 * permissions configured, an identity without entries may do nothing.
 *
 * <pre>{@code
 * HubPermissions.builder()
 *     .allowPublish("billing", "invoices", "orders.*.paid")
 *     .allowSubscribe("billing", "orders.>")
 *     .build();
 * }</pre>
 *
 * Immutable.
 */
public final class HubPermissions {
  /** The identity of a client with neither a client certificate nor a token. */
  public static final String ANONYMOUS = "anonymous";

  private static final HubPermissions ALLOW_ALL = new HubPermissions(null, null);

  private final Map<String, List<String>> publish;
  private final Map<String, List<String>> subscribe;
  private final boolean all;

  private HubPermissions(
      @Nullable Map<String, List<String>> publish, @Nullable Map<String, List<String>> subscribe) {
    this.all = publish == null;
    this.publish = publish == null ? Map.of() : Map.copyOf(publish);
    this.subscribe = subscribe == null ? Map.of() : Map.copyOf(subscribe);
  }

  /** Everyone may do everything: the default of a hub without permissions. */
  public static HubPermissions allowAll() {
    return ALLOW_ALL;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code identity} may send to {@code subject} (no wildcards). */
  public boolean mayPublish(String identity, String subject) {
    if (all) {
      return true;
    }
    for (String allowed : publish.getOrDefault(identity, List.of())) {
      if (Subjects.matches(allowed, subject)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code identity} may listen on {@code filter} (wildcards allowed). */
  public boolean maySubscribe(String identity, String filter) {
    if (all) {
      return true;
    }
    for (String allowed : subscribe.getOrDefault(identity, List.of())) {
      if (covers(allowed, filter)) {
        return true;
      }
    }
    return false;
  }

  /** Whether every subject {@code filter} matches also matches {@code allowed}. */
  static boolean covers(String allowed, String filter) {
    String[] a = allowed.split("\\.", -1);
    String[] f = filter.split("\\.", -1);
    for (int i = 0; i < a.length; i++) {
      if (a[i].equals(">")) {
        return i < f.length;
      }
      if (i >= f.length || f[i].equals(">")) {
        return false;
      }
      if (a[i].equals("*")) {
        continue;
      }
      if (!a[i].equals(f[i])) {
        return false;
      }
    }
    return a.length == f.length;
  }

  @Override
  public String toString() {
    return all
        ? "HubPermissions{allow all}"
        : "HubPermissions{publish=" + publish + ", subscribe=" + subscribe + "}";
  }

  /** Builds {@link HubPermissions}. */
  public static final class Builder {
    private final Map<String, List<String>> publish = new LinkedHashMap<>();
    private final Map<String, List<String>> subscribe = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Lets {@code identity} publish to subjects matching the filters.
     *
     * @throws IllegalArgumentException if a filter is malformed
     */
    public Builder allowPublish(String identity, String... filters) {
      add(publish, identity, filters);
      return this;
    }

    /**
     * Lets {@code identity} subscribe to subjects matching the filters.
     *
     * @throws IllegalArgumentException if a filter is malformed
     */
    public Builder allowSubscribe(String identity, String... filters) {
      add(subscribe, identity, filters);
      return this;
    }

    private static void add(Map<String, List<String>> map, String identity, String... filters) {
      Objects.requireNonNull(identity, "identity");
      List<String> list = map.computeIfAbsent(identity, i -> new ArrayList<>());
      for (String filter : filters) {
        list.add(Subjects.checkFilter(filter));
      }
    }

    public HubPermissions build() {
      Map<String, List<String>> p = new LinkedHashMap<>();
      publish.forEach((k, v) -> p.put(k, List.copyOf(v)));
      Map<String, List<String>> s = new LinkedHashMap<>();
      subscribe.forEach((k, v) -> s.put(k, List.copyOf(v)));
      return new HubPermissions(p, s);
    }
  }
}
