package io.changelake.api.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where option values come from, so that secrets need not be written on a command line. Every
 * {@link ConfigDef#parse} resolves the values it is given before validating them:
 *
 * <ul>
 *   <li>{@code @PATH}: the content of the file at PATH, one trailing newline removed;
 *   <li>{@code @@TEXT}: the literal value {@code @TEXT};
 *   <li>{@code ${env:NAME}} anywhere in a value: the environment variable NAME (Kafka's
 *       ConfigProvider syntax).
 * </ul>
 *
 * <p>A file's content and a variable's value are taken literally. A value that cannot be resolved
 * is a {@link ConfigException} naming the option and the fix, and never showing what was read.
 */
public final class ConfigValues {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{env:([^}]*)}");

  private ConfigValues() { }

  /** {@code values} with every value resolved, for the options of {@code component}. */
  static Map<String, String> resolve(String component, Map<String, String> values, UnaryOperator<String> environment) {
    Map<String, String> resolved = new LinkedHashMap<>();
    values.forEach((key, value) -> resolved.put(key, resolve(component, key, value, environment)));
    return resolved;
  }

  private static String resolve(String component, String key, String value, UnaryOperator<String> environment) {
    if (value.startsWith("@@")) {
      return value.substring(1);
    }
    if (value.startsWith("@")) {
      return fileContent(component, key, value.substring(1));
    }
    Matcher variable = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (variable.find()) {
      String name = variable.group(1);
      String text = environment.apply(name);
      if (text == null) {
        throw new ConfigException("The " + component + " option '" + key + "' refers to the environment variable '"
            + name + "', which is not set. Set it where changelake starts (export " + name + "=...), or give the"
            + " value as @FILE.");
      }
      variable.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    variable.appendTail(out);
    return out.toString();
  }

  private static String fileContent(String component, String key, String path) {
    String content;
    try {
      content = Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("Cannot read the value of the " + component + " option '" + key + "' from '" + path
          + "' (" + reason(e) + "). Write the value into that file or correct the path after '@'; a value that"
          + " itself starts with '@' is written '@@...'.");
    }
    return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
  }

  /**
   * The entries of a Java properties file ({@code key=value} lines; {@code #} comments; a
   * backslash is written {@code \\}), sorted by key.
   *
   * @param flag the flag that named the file, for the message when it cannot be read
   * @throws ConfigException when the file is missing, unreadable or not a properties file
   */
  public static Map<String, String> readProperties(Path file, String flag) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("Cannot read " + flag + " '" + file + "' (" + reason(e) + "). Give the path of a"
          + " readable properties file with one key=value option per line.");
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().stream().sorted().forEach(key -> values.put(key, properties.getProperty(key)));
    return values;
  }

  /** Why a file could not be read, without its content. */
  private static String reason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof InvalidPathException) {
      return "not a valid path";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof IllegalArgumentException) {
      return "malformed properties";
    }
    return e.getMessage() != null && e.getMessage().contains("directory") ? "it is a directory"
        : e.getClass().getSimpleName();
  }
}
