package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Fills the {@code auth} of a call that leaves it out from the configured credentials, so a caller
 * configures a token once instead of passing it to every function. A call that carries its own
 * credentials keeps them.
 */
final class AuthDefaults {
  private final WitTypes types;
  private final BridgeConfig config;

  AuthDefaults(WitTypes types, BridgeConfig config) {
    this.types = types;
    this.config = config;
  }

  List<WitValue> fill(WitTypes.Function f, List<WitValue> arguments) {
    if (config.bearerToken().isEmpty()
        && config.basicUser().isEmpty()
        && config.apiKey().isEmpty()) {
      return arguments;
    }
    List<WitField> params = f.function().params();
    List<WitValue> out = new ArrayList<>(arguments);
    int offset = f.resource() == null ? 0 : 1;
    for (int i = 0; i < params.size(); i++) {
      WitField p = params.get(i);
      WitTypeRef type = p.type();
      if (type == null) {
        continue;
      }
      if (p.role() == WitField.Role.AUTH && out.size() == i + offset) {
        WitValue credential = credential(type);
        if (credential != null) {
          out.add(credential);
        }
        continue;
      }
      if (i + offset < out.size()
          && out.get(i + offset) instanceof WitValue.RecordValue r
          && type.kind() == WitTypeRef.Kind.NAMED) {
        WitType t = types.resolve(type);
        if (t.kind() != WitType.Kind.RECORD) {
          continue;
        }
        for (WitField field : t.members()) {
          if (field.role() == WitField.Role.AUTH
              && r.get(field.name()) == null
              && field.type() != null) {
            WitValue credential = credential(field.type());
            if (credential != null) {
              WitValue.RecordBuilder b = WitValue.record();
              r.fields().forEach(b::field);
              b.field(field.name(), credential);
              out.set(i + offset, b.build());
            }
          }
        }
      }
    }
    return out;
  }

  /** The configured credential as a value of {@code type}, or null if none fits. */
  private @Nullable WitValue credential(WitTypeRef type) {
    if (type.kind() == WitTypeRef.Kind.OPTION) {
      WitValue inner = credential(type.args().get(0));
      return inner == null ? null : WitValue.some(inner);
    }
    if (type.kind() != WitTypeRef.Kind.NAMED) {
      return null;
    }
    return switch (type.name()) {
      case "bearer-auth" -> bearer();
      case "basic-auth" -> basic();
      case "api-key-auth" -> apiKey();
      case "credentials" -> {
        WitValue b = bearer();
        if (b != null) {
          yield WitValue.variant("bearer", b);
        }
        WitValue basic = basic();
        if (basic != null) {
          yield WitValue.variant("basic", basic);
        }
        WitValue key = apiKey();
        yield key == null ? null : WitValue.variant("api-key", key);
      }
      default -> null;
    };
  }

  private @Nullable WitValue bearer() {
    return config
        .bearerToken()
        .<WitValue>map(
            s ->
                WitValue.record()
                    .field("token", WitValue.string(s.reveal()))
                    .field("scheme", WitValue.string("Bearer"))
                    .build())
        .orElse(null);
  }

  private @Nullable WitValue basic() {
    if (config.basicUser().isEmpty() || config.basicPassword().isEmpty()) {
      return null;
    }
    return WitValue.record()
        .field("username", WitValue.string(config.basicUser().get()))
        .field("password", WitValue.string(config.basicPassword().get().reveal()))
        .build();
  }

  private @Nullable WitValue apiKey() {
    return config
        .apiKey()
        .<WitValue>map(s -> WitValue.record().field("key", WitValue.string(s.reveal())).build())
        .orElse(null);
  }
}
