package io.changelake.api.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Replaces secret values before anything is printed or logged. */
public final class ConfigMasking {
  public static final String MASK = "******";

  private ConfigMasking() { }

  /** A copy of {@code values} with every key in {@code secretKeys} masked. */
  public static Map<String, String> mask(Map<String, String> values, Set<String> secretKeys) {
    Map<String, String> masked = new LinkedHashMap<>(values);
    masked.replaceAll((key, value) -> secretKeys.contains(key) || looksSecret(key) ? MASK : value);
    return masked;
  }

  /** Whether a key names a secret even when no component declared it (e.g. a passthrough key). */
  public static boolean looksSecret(String key) {
    String lower = key.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("password") || lower.contains("jaas") || lower.contains("secret") || lower.contains("token")
        || lower.endsWith("credential") || lower.endsWith("key.id") || lower.contains("access-key")
        || lower.contains("access.key");
  }
}
