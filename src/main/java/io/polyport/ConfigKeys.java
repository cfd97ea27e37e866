package io.polyport;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;

/**
 * Reads one configuration key: the environment variable wins over conf/config.json, which wins over the
 * default. Bad values fail with a message naming both the key and the variable.
 */
final class ConfigKeys {
  private final JsonObject file;
  private final Map<String, String> env;

  ConfigKeys(JsonObject file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  Optional<String> raw(String key, String envName) {
    String fromEnv = envName == null ? null : env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromEnv.trim());
    }
    Object value = lookup(key);
    return value == null ? Optional.empty() : Optional.of(String.valueOf(value));
  }

  String string(String key, String envName, String dflt) {
    return raw(key, envName).orElse(dflt);
  }

  int integer(String key, String envName, int dflt, int min, int max) {
    String value = raw(key, envName).orElse(null);
    if (value == null) {
      return dflt;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw bad(key, envName, value, "a whole number from " + min + " to " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw bad(key, envName, value, "a whole number from " + min + " to " + max);
    }
  }

  long longValue(String key, String envName, long dflt, long min, long max) {
    String value = raw(key, envName).orElse(null);
    if (value == null) {
      return dflt;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw bad(key, envName, value, "a whole number from " + min + " to " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw bad(key, envName, value, "a whole number from " + min + " to " + max);
    }
  }

  boolean bool(String key, String envName, boolean dflt) {
    String value = raw(key, envName).orElse(null);
    if (value == null) {
      return dflt;
    }
    return switch (value.toLowerCase()) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw bad(key, envName, value, "true or false");
    };
  }

  static IllegalArgumentException bad(String key, String envName, String value, String expected) {
    String where = envName == null ? key : key + " (env " + envName + ")";
    return new IllegalArgumentException("config " + where + " is '" + value + "', expected " + expected);
  }

  private Object lookup(String dotted) {
    Object node = file;
    for (String part : dotted.split("\\.")) {
      if (!(node instanceof JsonObject obj)) {
        return null;
      }
      node = obj.getValue(part);
    }
    return node instanceof JsonObject ? null : node;
  }
}
