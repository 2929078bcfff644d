package io.changelake.cli;

import io.changelake.api.config.ConfigValues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A sync command's source options: a properties file's entries, overridden by the command line's. */
final class SourceConfFile {
  private SourceConfFile() { }

  /**
   * The entries of {@code file} (none when null) with {@code commandLine}'s put over them.
   *
   * @param flag the flag that named the file, for the message when it cannot be read
   */
  static Map<String, String> merge(Path file, String flag, Map<String, String> commandLine) {
    Map<String, String> options = new LinkedHashMap<>();
    if (file != null) {
      options.putAll(ConfigValues.readProperties(file, flag));
    }
    options.putAll(commandLine);
    return options;
  }
}
