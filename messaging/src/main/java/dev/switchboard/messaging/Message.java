package dev.switchboard.messaging;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A message: where it goes (its subject), its bytes, optional headers and an optional id.
 *
 * <p>The subject names the destination of every pattern: a pub/sub or request subject ({@code
 * orders.eu}), a work queue, a broadcast group or a peer. The id, when given, makes a work-queue
 * publish idempotent: a second publish with the same id within the hub's window is dropped.
 *
 * <p>A received message also says who sent it, where the transport knows ({@link #sender()}), and
 * how many messages this subscriber missed just before it because it fell behind ({@link
 * #missedBefore()}).
 *
 * <p>Immutable; {@link #toBuilder()} makes a changed copy.
 */
public final class Message {
  private final String subject;
  private final ByteString data;
  private final Map<String, String> headers;
  private final @Nullable String id;
  private final @Nullable String sender;
  private final long missedBefore;

  private Message(Builder builder) {
    this.subject = builder.subject;
    this.data = builder.data;
    this.headers = builder.headers.isEmpty() ? Map.of() : Map.copyOf(builder.headers);
    this.id = builder.id;
    this.sender = builder.sender;
    this.missedBefore = builder.missedBefore;
  }

  /** A message to {@code subject} carrying {@code data}. */
  public static Message of(String subject, ByteString data) {
    return builder(subject).data(data).build();
  }

  /** A message to {@code subject} carrying a copy of {@code data}. */
  public static Message of(String subject, byte[] data) {
    return of(subject, ByteString.copyFrom(data));
  }

  /** A message to {@code subject} carrying {@code text} in UTF-8. */
  public static Message ofText(String subject, String text) {
    return of(subject, ByteString.copyFrom(text, StandardCharsets.UTF_8));
  }

  /** A builder for a message to {@code subject}. */
  public static Builder builder(String subject) {
    return new Builder(subject);
  }

  /** A builder holding this message's fields. */
  public Builder toBuilder() {
    Builder builder = new Builder(subject).data(data).headers(headers).missedBefore(missedBefore);
    builder.id = id;
    builder.sender = sender;
    return builder;
  }

  /** The destination: a subject, a queue, a group or a peer name, depending on the pattern. */
  public String subject() {
    return subject;
  }

  /** The payload. */
  public ByteString data() {
    return data;
  }

  /** The payload as UTF-8 text. */
  public String text() {
    return data.toStringUtf8();
  }

  /** The headers; empty when there are none. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The message id, if the publisher gave one. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The peer that sent it, on received messages where the transport knows. */
  public Optional<String> sender() {
    return Optional.ofNullable(sender);
  }

  /**
   * How many messages this subscriber missed just before this one because its buffer was full (the
   * drop-oldest policy); 0 normally.
   */
  public long missedBefore() {
    return missedBefore;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Message other
        && subject.equals(other.subject)
        && data.equals(other.data)
        && headers.equals(other.headers)
        && Objects.equals(id, other.id)
        && Objects.equals(sender, other.sender)
        && missedBefore == other.missedBefore;
  }

  @Override
  public int hashCode() {
    return Objects.hash(subject, data, headers, id, sender, missedBefore);
  }

  /** Subject, size and id; never the payload, which may be sensitive. */
  @Override
  public String toString() {
    return "Message{"
        + subject
        + ", "
        + data.size()
        + " bytes"
        + (id == null ? "" : ", id=" + id)
        + (sender == null ? "" : ", from " + sender)
        + (missedBefore == 0 ? "" : ", missed " + missedBefore)
        + "}";
  }

  /** Builds a {@link Message}. */
  public static final class Builder {
    private final String subject;
    private ByteString data = ByteString.EMPTY;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable String id;
    private @Nullable String sender;
    private long missedBefore;

    private Builder(String subject) {
      this.subject = Objects.requireNonNull(subject, "subject");
    }

    /** The payload. */
    public Builder data(ByteString data) {
      this.data = Objects.requireNonNull(data, "data");
      return this;
    }

    /** The payload, copied. */
    public Builder data(byte[] data) {
      return data(ByteString.copyFrom(data));
    }

    /** Adds a header (names are case-sensitive; a second value for a name replaces the first). */
    public Builder header(String name, String value) {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name is empty");
      }
      headers.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds every header of the map. */
    public Builder headers(Map<String, String> headers) {
      headers.forEach(this::header);
      return this;
    }

    /** The message id: work-queue publishes with the same id within the window are dropped. */
    public Builder id(@Nullable String id) {
      if (id != null && id.isEmpty()) {
        throw new IllegalArgumentException("message id is empty");
      }
      this.id = id;
      return this;
    }

    /** The sending peer; set by transports on received messages. */
    public Builder sender(@Nullable String sender) {
      this.sender = sender;
      return this;
    }

    /** Messages missed before this one; set by transports on received messages. */
    public Builder missedBefore(long missed) {
      if (missed < 0) {
        throw new IllegalArgumentException("missedBefore is negative: " + missed);
      }
      this.missedBefore = missed;
      return this;
    }

    public Message build() {
      return new Message(this);
    }
  }
}
