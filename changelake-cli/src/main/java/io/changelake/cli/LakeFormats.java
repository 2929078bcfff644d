package io.changelake.cli;

import io.changelake.api.spi.TableSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where each table format lives in a warehouse, and which options reach it.
 *
 * <p>One format uses the warehouse itself (a Paimon warehouse is what Paimon's readers expect at
 * {@code --warehouse}); several formats each get a folder {@code <warehouse>/<format>}, since Iceberg
 * and Delta would otherwise share table folders. An option {@code <format>:key=value} reaches that
 * format only; an option without a prefix reaches every format.
 */
final class LakeFormats {
  static final String PARTITION_KEYS = "partition-keys";

  private LakeFormats() { }

  /** The formats named in {@code --format} (a comma list), checked against the installed ones. */
  static List<String> parse(List<String> names) {
    List<String> formats = new ArrayList<>();
    for (String name : names) {
      String format = name.trim().toLowerCase(Locale.ROOT);
      Providers.sink(format);
      if (formats.contains(format)) {
        throw new IllegalArgumentException("--format names '" + format + "' twice");
      }
      formats.add(format);
    }
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("--format needs at least one of: " + installed());
    }
    return List.copyOf(formats);
  }

  static String installed() {
    return String.join(", ", Providers.sinks().stream().map(p -> p.format()).toList());
  }

  /** Table properties with the partition columns added under {@value #PARTITION_KEYS}, when there are any. */
  static Map<String, String> withPartitionKeys(Map<String, String> tableProperties, List<String> partitionKeys) {
    if (partitionKeys.isEmpty()) {
      return tableProperties;
    }
    Map<String, String> properties = new LinkedHashMap<>(tableProperties);
    properties.put("paimon:" + PARTITION_KEYS, String.join(",", partitionKeys));
    return properties;
  }

  /** The local folder of {@code warehouse} (a path or a file: URI), or empty for a remote one (s3://...). */
  static Optional<Path> localFolder(String warehouse) {
    boolean local = !warehouse.contains("://") || warehouse.startsWith("file:");
    return local ? Optional.of(Path.of(warehouse.replaceFirst("^file:(//)?", ""))) : Optional.empty();
  }

  /** The folder (or URI) the tables of {@code format} live under. */
  static String location(String warehouse, String format, boolean severalFormats) {
    return severalFormats ? warehouse.replaceAll("/+$", "") + "/" + format : warehouse;
  }

  /** The options meant for {@code format}: unprefixed ones and {@code format:}-prefixed ones, prefix removed. */
  static Map<String, String> optionsFor(String format, Map<String, String> options) {
    Map<String, String> selected = new LinkedHashMap<>();
    options.forEach((key, value) -> {
      int colon = key.indexOf(':');
      if (colon < 0) {
        selected.put(key, value);
      } else {
        String target = key.substring(0, colon).toLowerCase(Locale.ROOT);
        Providers.sink(target);
        if (target.equals(format)) {
          selected.put(key.substring(colon + 1), value);
        }
      }
    });
    return selected;
  }

  /**
   * The sinks of {@code formats} whose location in {@code warehouse} exists (a remote one always), by format, as a
   * sync with these formats places them; a local location that does not exist holds no table, and opening a
   * catalog there would create its folder.
   */
  static Map<String, TableSink> openExisting(String warehouse, List<String> formats,
      Map<String, String> catalogOptions) {
    Map<String, TableSink> sinks = new LinkedHashMap<>();
    for (String format : formats) {
      String location = location(warehouse, format, formats.size() > 1);
      if (localFolder(location).map(Files::isDirectory).orElse(true)) {
        sinks.put(format, Providers.sink(format).open(location, optionsFor(format, catalogOptions), Map.of()));
      }
    }
    return sinks;
  }

  /** A format's catalog in a warehouse, open for reading. */
  record Opened(String format, TableSink sink) { }

  /**
   * Opens the formats present in {@code warehouse} (or just {@code only}): each {@code <format>}
   * folder of a several-format warehouse, else each format that finds tables in the warehouse itself. A
   * remote warehouse (s3://...) has no folders to look at: its {@code <format>} location is opened when it
   * holds tables of that format, else the warehouse itself.
   */
  static List<Opened> openPresent(String warehouse, String only, Map<String, String> catalogOptions) {
    List<Opened> opened = new ArrayList<>();
    for (var provider : Providers.sinks()) {
      String format = provider.format();
      if (only != null && !only.equalsIgnoreCase(format)) {
        continue;
      }
      Map<String, String> options = optionsFor(format, catalogOptions);
      Optional<Path> folder = localFolder(warehouse);
      TableSink sink;
      if (folder.isPresent()) {
        sink = provider.open(location(warehouse, format, Files.isDirectory(folder.get().resolve(format))), options,
            Map.of());
      } else {
        sink = provider.open(location(warehouse, format, true), options, Map.of());
        if (sink.listTables().isEmpty()) {
          sink.close();
          sink = provider.open(warehouse, options, Map.of());
        }
      }
      if (only != null || !sink.listTables().isEmpty()) {
        opened.add(new Opened(format, sink));
      } else {
        sink.close();
      }
    }
    if (only != null && opened.isEmpty()) {
      Providers.sink(only);
    }
    return opened;
  }
}
